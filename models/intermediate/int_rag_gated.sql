{{ config(materialized='table') }}
{#
  SPEC §4, RAG: every scored run with its verdict. `reason` is the first failing gate in SPEC
  order (null: exported), `errors` has one message per failing gate. rag_samples and
  quarantine_rag are filters over this model; the gates exist nowhere else.
  Gates 4-7 read the evidence record, so they are checked only when one exists: for a run
  without evidence they would only restate gate 3.
#}
{%- set include_review = distill.flag('include_review') -%}
{%- set gates = [
    ('unsafe_rag_category', 'fails_unsafe_category',
        "'category ''' || category || ''' is never exported to RAG'"),
    ('category_disallowed', 'fails_category_disallowed',
        "'category ''' || category || ''' is exported to RAG only with --include-review'"),
    ('missing_source_run_id', 'fails_missing_source_run_id',
        "'no evidence record for run_id ''' || run_id || ''''"),
    ('missing_provenance', 'fails_missing_provenance',
        "'provenance incomplete: needs a non-blank source_file, a non-blank sig_hash without control characters and a parseable recorded_at'"),
    ('empty_content', 'fails_empty_content', "'text is blank'"),
    ('hallucinated_file_path', 'fails_hallucinated_file_path', distill.file_refs_message()),
    ('secret_detected', 'fails_secret_detected',
        "'secret in ' || " ~ distill.list_join(distill.compact_list([
            "case when " ~ distill.list_len('secrets_in_title') ~ " > 0 then 'title (' || " ~ distill.list_join('secrets_in_title', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_text') ~ " > 0 then 'text (' || " ~ distill.list_join('secrets_in_text', "', '") ~ " || ')' end",
        ]), "', '")),
] -%}

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
        coalesce(policy.policy, 'unsafe') = 'unsafe' as fails_unsafe_category,
        coalesce(policy.policy = 'opt_in', false) and not {{ include_review }} as fails_category_disallowed,
        not runs.has_evidence as fails_missing_source_run_id,
        runs.has_evidence and not runs.is_provenance_complete as fails_missing_provenance,
        runs.has_evidence and runs.is_text_blank as fails_empty_content,
        runs.has_evidence
        and ({{ distill.list_len('runs.unsafe_file_refs') }} > 0 or {{ distill.list_len('runs.unlisted_file_refs') }} > 0)
            as fails_hallucinated_file_path,
        runs.has_evidence
        and ({{ distill.list_len('runs.secrets_in_title') }} > 0 or {{ distill.list_len('runs.secrets_in_text') }} > 0)
            as fails_secret_detected
    from runs
    left join policy
        on runs.category = policy.category
),

gated as (
    select
        *,
        {{ distill.gate_reason(gates) }} as reason,
        {{ distill.gate_errors(gates) }} as errors
    from checked
),

final as (
    {{ distill.duplicate_id_gate('gated', 'id', 'run_id', 'run_id') }}
)

select * from final
