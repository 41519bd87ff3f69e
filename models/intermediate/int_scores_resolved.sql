{#
  SPEC §2.2: the latest score of each run wins: greatest scored_at (null or unparseable counts
  as oldest), ties broken by the later input position (file path, then line). Older scores are
  superseded: counted here, never quarantined.
#}
with

scores as (
    select * from {{ ref('stg_substrate__scored_runs') }}
    where is_valid
),

ranked as (
    select
        *,
        row_number() over (
            partition by run_id
            order by scored_at desc nulls last, input_file desc, input_line desc
        ) as score_rank,
        count(*) over (partition by run_id) as score_count
    from scores
),

final as (
    select
        run_id,
        category,
        rationale,
        scorer_version,
        scored_at_raw,
        scored_at,
        record,
        input_file,
        input_line,
        line_id,
        score_count - 1 as superseded_scores
    from ranked
    where score_rank = 1
)

select * from final
