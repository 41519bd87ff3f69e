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
    {{ distill.map_counts('export-preference', 'by_reason', 'reason', 'pairs', 'reason is not null') }}
    union all
    {{ distill.map_counts('export-preference', 'by_status', 'preference_status', 'statuses') }}
    union all
    {{ distill.map_counts('export-preference', 'by_category', "chosen_score || ' > ' || rejected_score", 'pairs', 'reason is null') }}
),

{{ distill.counts_as_rows([
    ('in', 'count'), ('exported', 'count'), ('quarantined', 'count'), ('by_reason', 'map'),
    ('scored_runs', 'count'), ('candidates', 'count'), ('candidate_pairs', 'count'),
    ('by_status', 'map'), ('by_category', 'map'),
]) }}
