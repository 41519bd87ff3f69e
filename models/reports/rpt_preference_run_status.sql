{#
  SPEC §4.1 accounting: every scored run in exactly one preference status. `paired`: a side of
  a candidate pair (exported or quarantined); `no_counterpart`: a candidate in no pair;
  `ineligible`: not a candidate.
#}
with

runs as (
    select run_id from {{ ref('int_runs_joined') }}
),

candidates as (
    select run_id from {{ ref('int_preference_candidates') }}
),

pair_sides as (
    select rejected_run_id as run_id from {{ ref('int_preference_pairs_gated') }}
    union
    select chosen_run_id as run_id from {{ ref('int_preference_pairs_gated') }}
),

final as (
    select
        runs.run_id,
        case
            when pair_sides.run_id is not null then 'paired'
            when candidates.run_id is not null then 'no_counterpart'
            else 'ineligible'
        end as preference_status
    from runs
    left join candidates
        on runs.run_id = candidates.run_id
    left join pair_sides
        on runs.run_id = pair_sides.run_id
)

select * from final
