{{ config(materialized='table') }}
{#
  SPEC §4, RAG: every scored run with its verdict on every gate but the last (near_duplicate,
  which int_rag_gated adds). Each gate is a `<reason>_error` column (its
  message when the run fails it, null when it passes); `reason` is the first failing gate in
  SPEC order (null: passed so far), `errors` one message per failing gate. Gates 3, 4 and 6 are
  shared with SFT and come from int_runs_joined, as do the facts of gate 8.
#}
{%- set include_review = distill.flag('include_review') -%}

with

runs as (
    select * from {{ ref('int_runs_joined') }}
),

policy as (
    select
        category,
        policy
    from {{ ref('category_policy') }}
    where exporter = 'rag'
),

checked as (
    select
        runs.*,
        {{ distill.export_id('rag', ['runs.run_id', 'runs.prov_sig_hash']) }} as id,
        {# a category the policy does not list is refused, not let through #}
        case
            when coalesce(policy.policy, 'unsafe') = 'unsafe'
                then 'category ''' || runs.category || ''' is never exported to RAG'
        end as unsafe_rag_category_error,
        case
            when policy.policy = 'opt_in' and not {{ include_review }}
                then 'category ''' || runs.category || ''' is exported to RAG only with --include-review'
        end as category_disallowed_error,
        case when runs.has_evidence and runs.is_text_blank then 'text is blank' end as empty_content_error,
        {{ distill.secret_error([('title', 'runs.secrets_in_title'), ('text', 'runs.secrets_in_text')]) }} as secret_detected_error,
        {{ distill.eval_error([('title', 'runs.eval_in_title'), ('text', 'runs.eval_in_text')]) }} as eval_contaminated_error
    from runs
    left join policy
        on runs.category = policy.category
),

gated as (
    select
        *,
        {{ distill.gate_verdict([
            'unsafe_rag_category',
            'category_disallowed',
            'missing_source_run_id',
            'missing_provenance',
            'empty_content',
            'hallucinated_file_path',
            'secret_detected',
            'eval_contaminated',
        ]) }}
    from checked
),

final as (
    {{ distill.duplicate_id_gate('gated', [
        'id', 'run_id', 'category', 'task_id', 'task_type', 'rag_title', 'tags',
        'prov_source_file', 'prov_line', 'prov_sig_hash', 'recorded_at',
        'score_input_file', 'score_input_line', 'score_line_id',
        'evidence_input_file', 'evidence_input_line', 'evidence_line_id',
    ], 'id', ['run_id'], 'run_id') }}
)

select * from final
