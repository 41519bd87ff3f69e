{#
  Invariant 2 (no leak into RAG): no rag_samples row belongs to a run whose latest score
  (int_scores_resolved) is `rejected`, or says so in success_score; `needs_human_review` only
  when include_review is true.

  The firewall states its categories here, in SQL, and does not read
  seeds/category_policy.csv (SPEC §4). A row whose run has no score at all is a leak too.
#}
{%- set include_review = distill.flag('include_review') -%}

with

rag as (
    select * from {{ ref('rag_samples') }}
),

scores as (
    select * from {{ ref('int_scores_resolved') }}
),

checked as (
    select
        rag.id,
        rag.source_run_id,
        rag.success_score,
        scores.category as latest_category,
        case
            when scores.run_id is null
                then 'the run has no score'
            when scores.category = 'rejected'
                then 'the run''s latest score is rejected'
            when rag.success_score = 'rejected'
                then 'success_score is rejected'
            when rag.success_score is null or rag.success_score <> scores.category
                then 'success_score is not the run''s latest score'
            when scores.category = 'needs_human_review' and not {{ include_review }}
                then 'needs_human_review without include_review'
            when scores.category not in ('accepted', 'partially_accepted', 'needs_human_review')
                then 'unknown category'
        end as violation
    from rag
    left join scores
        on rag.source_run_id = scores.run_id
)

select * from checked
where violation is not null
