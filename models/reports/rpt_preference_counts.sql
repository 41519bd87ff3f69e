{#
  The export-preference receipt's record_counts (SPEC §4.1, §6), one row per count in the
  receipt's key order: a count has a value and no key; a map has one header row (no key, no
  value), then one row per entry. `by_category` counts the exported pairs by their two scores.
#}
with

pairs as (
    select
        chosen_score,
        rejected_score,
        reason
    from {{ ref('int_preference_pairs_gated') }}
),

statuses as (
    select preference_status from {{ ref('rpt_preference_run_status') }}
),

counts as (
    select 1 as position, 'in' as measure, null as key, count(*) as value from pairs
    union all
    select 2, 'exported', null, count(*) filter (where reason is null) from pairs
    union all
    select 3, 'quarantined', null, count(*) filter (where reason is not null) from pairs
    union all
    select 4, 'by_reason', null, null
    union all
    select 4, 'by_reason', reason, count(*) from pairs where reason is not null group by reason
    union all
    select 5, 'scored_runs', null, count(*) from statuses
    union all
    select 6, 'candidates', null, count(*) from {{ ref('int_preference_candidates') }}
    union all
    select 7, 'candidate_pairs', null, count(*) from pairs
    union all
    select 8, 'by_status', null, null
    union all
    select 8, 'by_status', preference_status, count(*) from statuses group by preference_status
    union all
    select 9, 'by_category', null, null
    union all
    select 9, 'by_category', chosen_score || ' > ' || rejected_score, count(*)
    from pairs
    where reason is null
    group by chosen_score || ' > ' || rejected_score
),

final as (
    select
        'export-preference' as stage,
        cast(position as integer) as position,
        cast(measure as varchar) as measure,
        cast(key as varchar) as key,
        cast(value as bigint) as value
    from counts
)

select * from final
