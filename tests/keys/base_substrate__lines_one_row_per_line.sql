{#
  Primary key of base_substrate__lines: one row per (input_kind, input_file, input_line), none
  of them null, and exactly one marker row (input_line = 0, no bytes) per file; line_id, the
  key the quarantines read records by, is never null and never repeats. A singular test
  because the model's YAML entry belongs to the staging model's author.
#}
with

{# without the bytes: this CTE is read four times, and DuckDB materialises it whole #}
lines as (
    select
        input_kind,
        input_file,
        input_line,
        line_id,
        raw is not null as has_bytes
    from {{ ref('base_substrate__lines') }}
),

duplicated as (
    select
        input_kind,
        input_file,
        input_line,
        'the key (input_kind, input_file, input_line) repeats ' || count(*) || ' times' as violation
    from lines
    group by input_kind, input_file, input_line
    having count(*) > 1
),

null_keys as (
    select
        input_kind,
        input_file,
        input_line,
        'a key column is null' as violation
    from lines
    where input_kind is null or input_file is null or input_line is null or line_id is null
),

duplicated_ids as (
    select
        any_value(input_kind) as input_kind,
        any_value(input_file) as input_file,
        any_value(input_line) as input_line,
        'the line_id ' || line_id || ' is on ' || count(*) || ' lines' as violation
    from lines
    where line_id is not null
    group by line_id
    having count(*) > 1
),

bad_markers as (
    select
        input_kind,
        input_file,
        null as input_line,
        'the file has ' || count(*) filter (where input_line = 0) || ' marker rows' as violation
    from lines
    group by input_kind, input_file
    having count(*) filter (where input_line = 0) <> 1
),

marker_with_bytes as (
    select
        input_kind,
        input_file,
        input_line,
        'the marker row carries bytes' as violation
    from lines
    where input_line = 0 and has_bytes
)

select * from duplicated
union all
select * from duplicated_ids
union all
select * from null_keys
union all
select * from bad_markers
union all
select * from marker_with_bytes
