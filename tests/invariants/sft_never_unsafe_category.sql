{#
  Invariant 1 (no leak into SFT): no sft_samples row belongs to a run whose latest score
  (int_scores_resolved) is `rejected` or `needs_human_review`, and no row says so in
  quality_score, whatever the options. `partially_accepted` only with include_partial.

  The firewall states its categories here, in SQL, and does not read
  seeds/category_policy.csv: a bad edit of the policy seed is caught, not obeyed (SPEC §4).
  A row whose run has no score at all is a leak too.
#}
{%- set include_partial = distill.flag('include_partial') -%}

with

sft as (
    select * from {{ ref('sft_samples') }}
),

scores as (
    select * from {{ ref('int_scores_resolved') }}
),

checked as (
    select
        sft.id,
        sft.source_run_id,
        sft.quality_score,
        scores.category as latest_category,
        case
            when scores.run_id is null
                then 'the run has no score'
            when scores.category in ('rejected', 'needs_human_review')
                then 'the run''s latest score is unsafe for SFT'
            when sft.quality_score in ('rejected', 'needs_human_review')
                then 'quality_score is unsafe for SFT'
            when sft.quality_score is null or sft.quality_score <> scores.category
                then 'quality_score is not the run''s latest score'
            when scores.category = 'partially_accepted' and not {{ include_partial }}
                then 'partially_accepted without include_partial'
            when scores.category not in ('accepted', 'partially_accepted')
                then 'unknown category'
        end as violation
    from sft
    left join scores
        on sft.source_run_id = scores.run_id
)

select * from checked
where violation is not null
