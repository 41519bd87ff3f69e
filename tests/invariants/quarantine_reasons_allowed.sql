{#
  SPEC §4.2 reason taxonomy: every quarantine row's reason is listed in
  seeds/quarantine_reasons.csv with the row's exporter (one row per exporter and reason), and the row sits in its
  exporter's relation (quarantine_rag holds only `rag` rows, ...). This test reads the reasons
  seed on purpose: SPEC §4.2 makes the seed the list. It reads the four exporter relations and
  the `quarantine` union, so a row the union drops, repeats or invents is caught as well.

  The four relations are written out twice, not shared through one CTE: DuckDB would
  materialise that CTE, every quarantine row in it. The union is compared with them per
  exporter and reason, by row count and by the sum of the ids' 64-bit hashes: a few groups in
  memory, whatever the row count. (Joining or grouping the rows by id ran out of memory on the
  largest substrates under the memory cap.) A failure names the exporter and reason that differ; the rows are
  one query away.
  sqlfluff's layout rule is off for the block alone: it measures the block's indent against
  each place the block is rendered, and those differ.
#}
-- noqa: disable=LT02
{%- set by_exporter -%}
    {%- for exporter in ['ingest', 'rag', 'sft', 'preference'] %}
    select '{{ exporter }}' as relation_exporter, id, exporter, reason
    from {{ ref('quarantine_' ~ exporter) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endset %}
-- noqa: enable=LT02

with

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

listed as (
    select distinct reason from reasons
),

by_exporter as (
    {{ by_exporter }}
),

{# the same rows again, with the union's: a second CTE, so that neither is materialised #}
all_rows as (
    select
        null as relation_exporter,
        id,
        exporter,
        reason
    from {{ ref('quarantine') }}
    union all
    {{ by_exporter }}
),

looked_up as (
    select
        by_exporter.relation_exporter,
        by_exporter.id,
        by_exporter.exporter,
        by_exporter.reason,
        listed.reason is not null as is_listed,
        allowed.reason is not null as is_allowed
    from by_exporter
    left join listed
        on by_exporter.reason = listed.reason
    left join reasons as allowed
        on
            by_exporter.exporter = allowed.exporter
            and by_exporter.reason = allowed.reason
),

checked as (
    select
        relation_exporter,
        id,
        exporter,
        reason,
        case
            when exporter is null or exporter <> relation_exporter
                then 'exporter is not ' || relation_exporter
            when not is_listed
                then 'reason is not listed in seeds/quarantine_reasons.csv'
            when not is_allowed
                then 'reason is not allowed for exporter ' || exporter
        end as violation
    from looked_up
),

{# per exporter and reason: how many rows, and the sum of their ids' hashes, on each side #}
tallies as (
    select
        relation_exporter is null as in_union,
        exporter,
        reason,
        count(*) as row_count,
        sum({{ distill.hash64('id') }}) as id_hash_sum
    from all_rows
    group by relation_exporter is null, exporter, reason
),

union_tallies as (
    select * from tallies
    where in_union
),

relation_tallies as (
    select * from tallies
    where not in_union
),

union_mismatch as (
    select
        coalesce(union_tallies.exporter, relation_tallies.exporter) as relation_exporter,
        null as id,
        coalesce(union_tallies.exporter, relation_tallies.exporter) as exporter,
        coalesce(union_tallies.reason, relation_tallies.reason) as reason,
        case
            when coalesce(union_tallies.row_count, 0) <> coalesce(relation_tallies.row_count, 0)
                then
                    'quarantine holds ' || coalesce(union_tallies.row_count, 0)
                    || ' rows of this exporter and reason, the exporter''s relation '
                    || coalesce(relation_tallies.row_count, 0)
            else 'quarantine holds other ids of this exporter and reason than the exporter''s relation'
        end as violation
    from union_tallies
    full outer join relation_tallies
        on
            union_tallies.exporter = relation_tallies.exporter
            and union_tallies.reason = relation_tallies.reason
    where
        coalesce(union_tallies.row_count, 0) <> coalesce(relation_tallies.row_count, 0)
        or coalesce(union_tallies.id_hash_sum, 0) <> coalesce(relation_tallies.id_hash_sum, 0)
)

select * from checked
where violation is not null
union all
select * from union_mismatch
