{#
  Invariants 1 and 2 (no leak into SFT or RAG): no exported row belongs to a run whose latest
  score (int_scores_resolved) its exporter must never take, or says so in its score column;
  an opt-in category only with its option. SFT never takes `rejected` or `needs_human_review`,
  whatever the options; RAG never `rejected`, and `needs_human_review` only with include_review;
  SFT `partially_accepted` only with include_partial. A row whose run has no score at all is a
  leak too.

  The firewall states the categories here, in SQL, and does not read seeds/category_policy.csv:
  a bad edit of the policy seed is caught, not obeyed (SPEC §4).
#}
{%- set include_review = distill.flag('include_review') -%}
{%- set include_partial = distill.flag('include_partial') -%}

with

exported as (
    select
        'rag' as exporter,
        id,
        source_run_id,
        success_score as score
    from {{ ref('rag_samples') }}
    union all
    select
        'sft' as exporter,
        id,
        source_run_id,
        quality_score as score
    from {{ ref('sft_samples') }}
),

scores as (
    select
        run_id,
        category
    from {{ ref('int_scores_resolved') }}
),

{# what each exporter may take: the categories not listed here it must never take #}
allowed as (
    select *
    from
        values
        ('rag', 'accepted', true),
        ('rag', 'partially_accepted', true),
        ('rag', 'needs_human_review', {{ include_review }}),
        ('sft', 'accepted', true),
        ('sft', 'partially_accepted', {{ include_partial }}) as allowed_categories (exporter, category, is_allowed)
),

checked as (
    select
        exported.exporter,
        exported.id,
        exported.source_run_id,
        exported.score,
        scores.category as latest_category,
        case
            when scores.run_id is null
                then 'the run has no score'
            when exported.score is null or exported.score <> scores.category
                then 'the exported score is not the run''s latest score'
            when allowed.category is null
                then 'the run''s latest score is never exported to ' || exported.exporter
            when not allowed.is_allowed
                then 'the run''s latest score is exported to ' || exported.exporter || ' only with its option'
        end as violation
    from exported
    left join scores
        on exported.source_run_id = scores.run_id
    left join allowed
        on
            exported.exporter = allowed.exporter
            and scores.category = allowed.category
)

select * from checked
where violation is not null
