{#
  Invariant 8 / SPEC §3 accounting: per input file, lines = blank_lines + staged +
  ingest_quarantined, and each line is in exactly one of the three.
  - lines: every framed line of an evidence or scored-run file (base_substrate__lines,
    input_line > 0; the input_line = 0 rows are file markers, not lines).
  - blank: decided here, from the bytes (valid UTF-8 and only SPEC §2 whitespace; the line's
    own '\n' is whitespace), not taken from the staging model's status.
  - staged: evidence lines that are the canonical record of their run_id
    (int_evidence_deduplicated.is_canonical); scored-run lines that are schema-valid, superseded
    scores included (SPEC §2.2: superseded scores are counted, not quarantined). A non-canonical
    evidence duplicate is not staged: it is an ingest `duplicate_id` row.
  - ingest_quarantined: quarantine_ingest rows, by source_provenance.
  Returns each line in zero or several buckets, and each file whose totals do not balance.
  Independent of rpt_input_files_accounted (the receipts' counts), which has its own balance test.
#}
with

{# keys only: this CTE is read three times, and DuckDB materialises it whole #}
lines as (
    select
        input_kind,
        input_file,
        input_line
    from {{ ref('base_substrate__lines') }}
    where input_line > 0 and input_kind in ('evidence', 'scored')
),

blank as (
    select
        input_file,
        input_line,
        'blank' as bucket
    from (
        select
            input_file,
            input_line,
            {{ distill.try_decode_utf8('raw') }} as line_text
        from {{ ref('base_substrate__lines') }}
        where input_line > 0 and input_kind in ('evidence', 'scored')
    ) as decoded
    where line_text is not null and {{ distill.is_blank('line_text') }}
),

staged as (
    select
        input_file,
        input_line,
        'staged' as bucket
    from {{ ref('int_evidence_deduplicated') }}
    where is_canonical
    union all
    select
        input_file,
        input_line,
        'staged' as bucket
    from {{ ref('stg_substrate__scored_runs') }}
    where is_valid
),

quarantined as (
    select
        q_ingest.source_provenance.input_file as input_file,  -- noqa: AL09, RF01
        q_ingest.source_provenance.input_line as input_line,  -- noqa: AL09, RF01
        'ingest_quarantined' as bucket
    from {{ ref('quarantine_ingest') }} as q_ingest  -- noqa: AL05
),

buckets as (
    select * from blank
    union all
    select * from staged
    union all
    select * from quarantined
),

per_line as (
    select
        coalesce(lines.input_file, buckets.input_file) as input_file,
        coalesce(lines.input_line, buckets.input_line) as input_line,
        lines.input_file is not null as is_input_line,
        count(buckets.bucket) as n_buckets,
        {{ distill.sorted_string_agg('buckets.bucket', "', '") }} as bucket_names
    from lines
    full outer join buckets
        on
            lines.input_file = buckets.input_file
            and lines.input_line = buckets.input_line
    group by all
),

line_violations as (
    select
        input_file,
        input_line,
        case
            when not is_input_line then 'not an input line, yet in: ' || bucket_names
            when n_buckets = 0 then 'neither blank, staged nor quarantined'
            else 'in several buckets: ' || bucket_names
        end as violation
    from per_line
    where not is_input_line or n_buckets <> 1
),

line_totals as (
    select
        input_file,
        count(*) as n_lines
    from lines
    group by input_file
),

bucket_totals as (
    select
        input_file,
        count(*) filter (where bucket = 'blank') as n_blank,
        count(*) filter (where bucket = 'staged') as n_staged,
        count(*) filter (where bucket = 'ingest_quarantined') as n_quarantined
    from buckets
    group by input_file
),

file_violations as (
    select
        line_totals.input_file,
        null as input_line,
        'lines ' || line_totals.n_lines
        || ' <> blank ' || coalesce(bucket_totals.n_blank, 0)
        || ' + staged ' || coalesce(bucket_totals.n_staged, 0)
        || ' + ingest_quarantined ' || coalesce(bucket_totals.n_quarantined, 0) as violation
    from line_totals
    left join bucket_totals
        on line_totals.input_file = bucket_totals.input_file
    where
        line_totals.n_lines
        <> coalesce(bucket_totals.n_blank, 0) + coalesce(bucket_totals.n_staged, 0) + coalesce(bucket_totals.n_quarantined, 0)
)

select * from line_violations
union all
select * from file_violations
