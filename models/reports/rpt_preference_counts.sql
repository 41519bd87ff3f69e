{#
  The export-preference receipt's record_counts (SPEC §4.1, §6), one row per count (see
  macros/reports.sql): candidate pairs in, exported and quarantined, by reason; the scored runs
  and candidates; runs by preference status; exported pairs by their two scores.
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

scalars as (
    select
        'export-preference' as stage,
        count(*) as count_in,
        count(*) filter (where reason is null) as count_exported,
        count(*) filter (where reason is not null) as count_quarantined,
        (select count(*) from statuses) as count_scored_runs,
        (select count(*) from {{ ref('int_preference_candidates') }}) as count_candidates,
        count(*) as count_candidate_pairs
    from pairs
),

maps as (
    select 'export-preference' as stage, 'by_reason' as measure, reason as key, count(*) as value
    from pairs
    where reason is not null
    group by reason
    union all
    select 'export-preference' as stage, 'by_status' as measure, preference_status as key, count(*) as value
    from statuses
    group by preference_status
    union all
    select
        'export-preference' as stage,
        'by_category' as measure,
        chosen_score || ' > ' || rejected_score as key,
        count(*) as value
    from pairs
    where reason is null
    group by chosen_score || ' > ' || rejected_score
),

{{ distill.counts_as_rows([
    ('in', 'count'), ('exported', 'count'), ('quarantined', 'count'), ('by_reason', 'map'),
    ('scored_runs', 'count'), ('candidates', 'count'), ('candidate_pairs', 'count'),
    ('by_status', 'map'), ('by_category', 'map'),
]) }}
