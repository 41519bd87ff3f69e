{#
  Invariant 8 (no silent drops), as counts: every scored run is one row of int_runs_joined;
  each exporter writes every run once, to its export or to its quarantine
  (runs = rag_samples + quarantine_rag, runs = sft_samples + quarantine_sft); every candidate
  pair is exported or quarantined (pairs = preference_pairs + quarantine_preference); every
  scored run has one preference status. Returns each balance that does not hold. The rag and
  sft quarantines are counted on int_rag_refused and int_sft_refused, the rows their views show.
  The exactly_once_in tests in the YAML name the keys that are missing or doubled.
#}
with

counts as (
    select
        (select count(*) from {{ ref('int_scores_resolved') }}) as scored_runs,
        (select count(*) from {{ ref('int_runs_joined') }}) as joined_runs,
        (select count(*) from {{ ref('rag_samples') }}) as rag_exported,
        (select count(*) from {{ ref('int_rag_refused') }}) as rag_quarantined,
        (select count(*) from {{ ref('sft_samples') }}) as sft_exported,
        (select count(*) from {{ ref('int_sft_refused') }}) as sft_quarantined,
        (select count(*) from {{ ref('int_preference_pairs_gated') }}) as candidate_pairs,
        (select count(*) from {{ ref('preference_pairs') }}) as pairs_exported,
        (select count(*) from {{ ref('quarantine_preference') }}) as pairs_quarantined,
        (select count(*) from {{ ref('rpt_preference_run_status') }}) as preference_statuses
),

balances as (
    select
        'scored runs = joined runs' as balance,
        scored_runs as expected,
        joined_runs as actual
    from counts
    union all
    select
        'runs = rag_samples + quarantine_rag' as balance,
        joined_runs as expected,
        rag_exported + rag_quarantined as actual
    from counts
    union all
    select
        'runs = sft_samples + quarantine_sft' as balance,
        joined_runs as expected,
        sft_exported + sft_quarantined as actual
    from counts
    union all
    select
        'candidate pairs = preference_pairs + quarantine_preference' as balance,
        candidate_pairs as expected,
        pairs_exported + pairs_quarantined as actual
    from counts
    union all
    select
        'scored runs = preference statuses' as balance,
        scored_runs as expected,
        preference_statuses as actual
    from counts
)

select * from balances
where expected <> actual
