{{ config(materialized='table') }}
{#
  SPEC §4, SFT: every scored run with its verdict. `reason` is the first failing gate in SPEC
  order (null: exported), `errors` has one message per failing gate. sft_samples and
  quarantine_sft are filters over this model; the gates exist nowhere else.
  Gates 4-7 read the evidence record, so they are checked only when one exists.
#}
{%- set include_partial = distill.flag('include_partial') -%}
{%- set gates = [
    ('unsafe_sft_category', 'fails_unsafe_category',
        "'category ''' || category || ''' is never exported to SFT'"),
    ('category_disallowed', 'fails_category_disallowed',
        distill.list_join(distill.compact_list([
            "case when fails_opt_in_category then 'category ''' || category || ''' is exported to SFT only with --include-partial' end",
            "case when task_class = 'extraction' then 'task type ''' || task_type || ''' is an extraction task, not a conversation' end",
            "case when has_evidence and task_class is null then 'task type ''' || task_type || ''' matches no row of seeds/task_types.csv (unclassified)' end",
        ]), "'; '")),
    ('missing_source_run_id', 'fails_missing_source_run_id',
        "'no evidence record for run_id ''' || run_id || ''''"),
    ('missing_provenance', 'fails_missing_provenance',
        "'provenance incomplete: needs a non-blank source_file, a non-blank sig_hash without control characters and a parseable recorded_at'"),
    ('empty_content', 'fails_empty_content',
        distill.list_join(distill.compact_list([
            "case when is_instruction_blank then 'instruction is blank' end",
            "case when is_text_blank then 'text is blank' end",
        ]), "'; '")),
    ('hallucinated_file_path', 'fails_hallucinated_file_path', distill.file_refs_message()),
    ('secret_detected', 'fails_secret_detected',
        "'secret in ' || " ~ distill.list_join(distill.compact_list([
            "case when " ~ distill.list_len('secrets_in_instruction') ~ " > 0 then 'instruction (' || " ~ distill.list_join('secrets_in_instruction', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_text') ~ " > 0 then 'text (' || " ~ distill.list_join('secrets_in_text', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_sft_context') ~ " > 0 then 'context (' || " ~ distill.list_join('secrets_in_sft_context', "', '") ~ " || ')' end",
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
    where exporter = 'sft'
),

checked as (
    select
        runs.*,
        {{ distill.export_id('sft', ['runs.run_id', 'runs.prov_sig_hash']) }} as id,
        {# a category the policy does not list is refused, not let through #}
        coalesce(policy.policy, 'unsafe') = 'unsafe' as fails_unsafe_category,
        coalesce(policy.policy = 'opt_in', false) and not {{ include_partial }} as fails_opt_in_category,
        not runs.has_evidence as fails_missing_source_run_id,
        runs.has_evidence and not runs.is_provenance_complete as fails_missing_provenance,
        runs.has_evidence and (runs.is_instruction_blank or runs.is_text_blank) as fails_empty_content,
        runs.has_evidence
        and ({{ distill.list_len('runs.unsafe_file_refs') }} > 0 or {{ distill.list_len('runs.unlisted_file_refs') }} > 0)
            as fails_hallucinated_file_path,
        runs.has_evidence
        and (
            {{ distill.list_len('runs.secrets_in_instruction') }} > 0
            or {{ distill.list_len('runs.secrets_in_text') }} > 0
            or {{ distill.list_len('runs.secrets_in_sft_context') }} > 0
        ) as fails_secret_detected
    from runs
    left join policy
        on runs.category = policy.category
),

classified as (
    select
        *,
        {# SPEC §4 gate 2 (SFT): an opt-in category without its option, or evidence whose task class is not conversational #}
        fails_opt_in_category
        or (has_evidence and coalesce(task_class, 'unclassified') <> 'conversational')
            as fails_category_disallowed
    from checked
),

gated as (
    select
        *,
        {{ distill.gate_reason(gates) }} as reason,
        {{ distill.gate_errors(gates) }} as errors
    from classified
),

final as (
    {{ distill.duplicate_id_gate('gated', 'id', 'run_id', 'run_id') }}
)

select * from final
