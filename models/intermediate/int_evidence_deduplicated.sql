{{ config(materialized='table') }}
{#
  SPEC §3: among the schema-valid evidence records sharing one run_id, the canonical one has
  the earliest parseable provenance.recorded_at (unparseable or missing sorts last), then the
  smallest input file path, then the smallest input line, whatever order they arrive in.
  One narrow row per valid record, flagged: the ranking window sorts keys, not whole records
  with their texts. The others become ingest duplicate_id rows.
#}
with

evidence as (
    select
        input_file,
        input_line,
        line_id,
        run_id,
        prov_recorded_at
    from {{ ref('stg_substrate__evidence') }}
    where is_valid
),

ranked as (
    select
        *,
        row_number() over (
            partition by run_id
            order by prov_recorded_at asc nulls last, input_file asc, input_line asc
        ) as run_id_rank
    from evidence
),

final as (
    select
        input_file,
        input_line,
        line_id,
        run_id,
        prov_recorded_at,
        run_id_rank,
        run_id_rank = 1 as is_canonical,
        first_value(input_file) over by_run as canonical_input_file,
        first_value(input_line) over by_run as canonical_input_line
    from ranked
    window by_run as (partition by run_id order by run_id_rank)
)

select * from final
