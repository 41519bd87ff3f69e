{{ config(materialized='table') }}
-- depends_on: {{ ref('secret_patterns') }}
-- depends_on: {{ ref('int_eval_matches') }}
{#
  SPEC §4 exporter input: every scored run (latest score) left-joined to its canonical
  evidence, with every fact a gate needs computed once: blank checks, provenance completeness,
  path safety, manifest membership, secret matches, task class, and the built title, context
  and tags. A table: three exporters and the preference pairing read it. It keeps the keys of
  its input lines, not the 2 KB texts and records: the exports and quarantines fetch those by
  key for the rows they write.
#}
with

scores as (
    select * from {{ ref('int_scores_resolved') }}
),

canonical as (
    select line_id
    from {{ ref('int_evidence_deduplicated') }}
    where is_canonical
),

{# Each use below scans only the columns it needs from the staged table (a shared wide CTE
   would be materialized whole). The facts read from the text are computed here, before the
   runs are joined, so that no join carries the texts: with them in the join, DuckDB's plan
   (and its time) swung with how the canonical keys were written. Joined by line_id, one
   8-byte key. #}
evidence as (
    select
        staged.run_id,
        staged.input_file,
        staged.input_line,
        staged.line_id,
        staged.task_id,
        staged.task_type,
        staged.role,
        staged.model,
        staged.instruction,
        staged.title,
        staged.context_matrix,
        staged.file_refs,
        staged.prov_source_file,
        staged.prov_line,
        staged.prov_sig_hash,
        staged.prov_recorded_at,
        {{ distill.is_blank('staged.text') }} as is_text_blank,
        {# SPEC §5 RAG title: the evidence title if non-blank, else the first non-blank line of text; trimmed, then 60 code points #}
        {{ distill.left_chars(distill.trim_ws(
            "case when not " ~ distill.is_blank('staged.title') ~ " then staged.title else "
            ~ distill.first_non_blank_line('staged.text') ~ " end"), 60) }} as rag_title,
        {{ distill.secret_matches('staged.text') }} as secrets_in_text
    from {{ ref('stg_substrate__evidence') }} as staged
    inner join canonical
        on staged.line_id = canonical.line_id
),

{# SPEC §4.3: the fields of each record that share a protected sequence with the eval set;
   without --eval-set, int_eval_matches is not built and no field does #}
{%- set eval_gate_on = distill.eval_gate_on() %}
{%- if eval_gate_on %}
eval_matches as (
    select * from {{ ref('int_eval_matches') }}
),
{%- endif %}

manifest_files as (
    select count(*) > 0 as has_manifest
    from {{ ref('base_substrate__lines') }}
    where input_kind = 'manifest' and input_line = 0
),

manifest as (
    select distinct path from {{ ref('stg_substrate__manifest_paths') }}
),

task_types as (
    select * from {{ ref('task_types') }}
),

{# SPEC §4 task class: LIKE patterns; extraction wins; no match is unclassified (null). #}
task_classes as (
    select
        evidence_types.task_type,
        case
            when bool_or(task_types.task_class = 'extraction') then 'extraction'
            when bool_or(task_types.task_class = 'conversational') then 'conversational'
        end as task_class
    from (
        select distinct task_type from {{ ref('stg_substrate__evidence') }}
        where is_valid
    ) as evidence_types
    left join task_types
        on evidence_types.task_type like task_types.task_type_pattern
    group by evidence_types.task_type
),

file_refs as (
    select
        staged.run_id,
        refs.file_ref
    from {{ ref('stg_substrate__evidence') }} as staged
    inner join canonical
        on staged.line_id = canonical.line_id
    {{ distill.cross_join_unnest('staged.file_refs', 'refs', 'file_ref') }}
),

file_ref_checks as (
    select
        file_refs.run_id,
        {{ distill.sorted_list_agg('file_refs.file_ref', distill.is_unsafe_path('file_refs.file_ref')) }} as unsafe_file_refs,
        {{ distill.sorted_list_agg('file_refs.file_ref', 'manifest_files.has_manifest and manifest.path is null') }}
            as unlisted_file_refs
    from file_refs
    cross join manifest_files
    left join manifest
        on {{ distill.manifest_key('file_refs.file_ref') }} = manifest.path
    group by file_refs.run_id
),

joined as (
    select
        scores.run_id,
        scores.category,
        scores.rationale,
        scores.scorer_version,
        scores.scored_at,
        scores.input_file as score_input_file,
        scores.input_line as score_input_line,
        scores.line_id as score_line_id,
        evidence.run_id is not null as has_evidence,
        evidence.input_file as evidence_input_file,
        evidence.input_line as evidence_input_line,
        evidence.line_id as evidence_line_id,
        evidence.task_id,
        evidence.task_type,
        evidence.role,
        evidence.model,
        evidence.instruction,
        evidence.title,
        {# a run without evidence: what a null text gives #}
        coalesce(evidence.is_text_blank, true) as is_text_blank,
        evidence.rag_title,
        coalesce(evidence.secrets_in_text, {{ distill.empty_string_list() }}) as secrets_in_text,
        evidence.context_matrix,
        evidence.file_refs,
        evidence.prov_source_file,
        evidence.prov_line,
        evidence.prov_sig_hash,
        evidence.prov_recorded_at,
        task_classes.task_class,
        coalesce(file_ref_checks.unsafe_file_refs, {{ distill.empty_string_list() }}) as unsafe_file_refs,
        coalesce(file_ref_checks.unlisted_file_refs, {{ distill.empty_string_list() }}) as unlisted_file_refs,
        {{ 'eval_matches.eval_in_title' if eval_gate_on else 'cast(null as string)' }} as eval_in_title,
        {{ 'eval_matches.eval_in_instruction' if eval_gate_on else 'cast(null as string)' }} as eval_in_instruction,
        {{ 'eval_matches.eval_in_text' if eval_gate_on else 'cast(null as string)' }} as eval_in_text
    from scores
    left join evidence
        on scores.run_id = evidence.run_id
    left join task_classes
        on evidence.task_type = task_classes.task_type
    left join file_ref_checks
        on scores.run_id = file_ref_checks.run_id
    {%- if eval_gate_on %}
    left join eval_matches
        on evidence.line_id = eval_matches.line_id
    {%- endif %}
),

built as (
    select
        *,
        {{ distill.is_blank('instruction') }} as is_instruction_blank,
        {# SPEC §4: source_file non-blank, sig_hash non-blank without control characters, recorded_at parseable #}
        (
            not {{ distill.is_blank('prov_source_file') }}
            and not {{ distill.is_blank('prov_sig_hash') }}
            and not {{ distill.has_control_char('prov_sig_hash') }}
            and prov_recorded_at is not null
        ) as is_provenance_complete,
        {# SPEC §5 SFT context: matrix=<entries> and model=<model>, joined by ' · '; '' when neither #}
        concat_ws(
            ' · ',
            case when {{ distill.list_len('context_matrix') }} > 0 then 'matrix=' || {{ distill.list_join('context_matrix', "','") }} end,
            case when not {{ distill.is_blank('model') }} then 'model=' || model end
        ) as sft_context,
        {# SPEC §5 tags, shared by RAG and SFT #}
        {{ distill.compact_list([
            "'task:' || coalesce(task_type, '')",
            "'category:' || category",
            "case when not " ~ distill.is_blank('role') ~ " then 'role:' || role end",
        ]) }} as tags,
        {{ distill.format_utc('prov_recorded_at') }} as recorded_at
    from joined
),

final as (
    select
        *,
        {{ distill.secret_matches('title') }} as secrets_in_title,
        {{ distill.secret_matches('instruction') }} as secrets_in_instruction,
        {{ distill.secret_matches('sft_context') }} as secrets_in_sft_context,
        {# SPEC §4 gates 3, 4 and 6 mean the same for RAG and SFT (and gate 6 for the chosen side
           of a pair): each is its message when the run fails it, null when it passes. Gates 4-7
           read the evidence record, so a run without one fails gate 3 only. #}
        case when not has_evidence then 'no evidence record for run_id ''' || run_id || '''' end as missing_source_run_id_error,
        case
            when has_evidence and not is_provenance_complete
                then 'provenance incomplete: needs a non-blank source_file, a non-blank sig_hash without control characters and a parseable recorded_at'
        end as missing_provenance_error,
        nullif(concat_ws(
            '; ',
            case when {{ distill.list_len('unsafe_file_refs') }} > 0 then 'unsafe file_refs: ' || {{ distill.quoted_list('unsafe_file_refs') }} end,
            case
                when {{ distill.list_len('unlisted_file_refs') }} > 0
                    then 'file_refs not in the manifest: ' || {{ distill.quoted_list('unlisted_file_refs') }}
            end
        ), '') as hallucinated_file_path_error
    from built
)

{# Texts stay in the staged table: carried here they were copied into every table downstream. #}
select * from final
