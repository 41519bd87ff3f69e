{{ config(materialized='table') }}
{#
  One row per non-blank evidence line (SPEC §2.1, §3): its status, every schema error, and the
  typed fields. A record is valid when schema_errors is empty; the others go to the ingest
  quarantine. Each JSON helper reads all its paths in one parse of the line (types, strings,
  keys, arrays): four parses a record, not one per field. A table, so that the three models
  reading it do not parse 2 KB records again. The whole record is not kept here: the few rows
  that print it (the quarantines) read it from base_substrate__lines by its line key.
#}
{%- set paths = [
    '$.run_id', '$.task_id', '$.task_type', '$.role', '$.model', '$.instruction', '$.context',
    '$.text', '$.title', '$.file_refs', '$.provenance',
    '$.provenance.source_file', '$.provenance.line', '$.provenance.sig_hash',
    '$.provenance.recorded_at', '$.context.matrix'] -%}
{#- t[field] is the field's JSON type, s[field] its string value -#}
{%- set t = {} -%}
{%- set s = {} -%}
{%- for p in paths -%}
    {%- do t.update({p[2:]: distill.list_at('json_types', loop.index)}) -%}
    {%- do s.update({p[2:]: distill.list_at('json_strings', loop.index)}) -%}
{%- endfor -%}

with

lines as (
    {{ distill.non_blank_lines('evidence', paths) }}
),

parsed as (
    select
        *,
        case when line_status = 'object' then {{ distill.json_types_at('line_text', paths) }} end as json_types,
        case when line_status = 'object' then {{ distill.json_strings_at('line_text', paths) }} end as json_strings,
        case
            when line_status = 'object' then {{ distill.json_keys_at('line_text', ['$', '$.provenance', '$.context']) }}
        end as json_keys,
        case
            when line_status = 'object' then {{ distill.json_values_at('line_text', ['$.file_refs', '$.context.matrix']) }}
        end as json_arrays
    from lines
),

typed as (
    select
        input_file,
        input_line,
        line_id,
        line_status,
        line_text,
        raw_line{{ distill.json_parse_carry() }},
        json_types,
        {{ s['run_id'] }} as run_id,
        case when {{ t['task_id'] }} = 'VARCHAR' then {{ s['task_id'] }} end as task_id,
        {{ s['task_type'] }} as task_type,
        case when {{ t['role'] }} = 'VARCHAR' then {{ s['role'] }} end as role,
        case when {{ t['model'] }} = 'VARCHAR' then {{ s['model'] }} end as model,
        case when {{ t['instruction'] }} = 'VARCHAR' then {{ s['instruction'] }} end as instruction,
        case when {{ t['text'] }} = 'VARCHAR' then {{ s['text'] }} end as text,
        case when {{ t['title'] }} = 'VARCHAR' then {{ s['title'] }} end as title,
        case
            when {{ t['context.matrix'] }} = 'ARRAY'
                then {{ distill.list_where(
                    distill.json_array_strings(distill.list_at('json_arrays', 2)), 'm', 'not ' ~ distill.is_blank('m')) }}
            else {{ distill.empty_string_list() }}
        end as context_matrix,
        case
            when {{ t['file_refs'] }} = 'ARRAY' then {{ distill.json_array_strings(distill.list_at('json_arrays', 1)) }}
        end as file_refs,
        case
            when {{ t['file_refs'] }} = 'ARRAY' then {{ distill.json_array_all_strings(distill.list_at('json_arrays', 1)) }}
        end as file_refs_all_strings,
        {# SPEC §2.1: inside provenance, a sub-field of the wrong JSON type counts as absent #}
        case when {{ t['provenance.source_file'] }} = 'VARCHAR' then {{ s['provenance.source_file'] }} end as prov_source_file,
        case
            when {{ t['provenance.line'] }} in ('BIGINT', 'UBIGINT') then try_cast({{ s['provenance.line'] }} as bigint)
        end as prov_line,
        case when {{ t['provenance.sig_hash'] }} = 'VARCHAR' then {{ s['provenance.sig_hash'] }} end as prov_sig_hash,
        case when {{ t['provenance.recorded_at'] }} = 'VARCHAR' then {{ s['provenance.recorded_at'] }} end as prov_recorded_at_raw,
        {{ distill.first_duplicate(distill.list_at('json_keys', 1)) }} as duplicate_key,  -- noqa: LT02
        {{ distill.first_duplicate(distill.list_at('json_keys', 2)) }} as duplicate_provenance_key,
        {{ distill.first_duplicate(distill.list_at('json_keys', 3)) }} as duplicate_context_key
    from parsed
),

validated as (
    select
        *,
        {{ distill.schema_errors(t['run_id'], [
                distill.optional_type_error('task_id', t['task_id'], 'VARCHAR', 'a string'),
                distill.required_string_error('task_type', t['task_type'], 'task_type'),
                distill.optional_type_error('role', t['role'], 'VARCHAR', 'a string'),
                distill.optional_type_error('model', t['model'], 'VARCHAR', 'a string'),
                distill.optional_type_error('instruction', t['instruction'], 'VARCHAR', 'a string'),
                distill.optional_type_error('context', t['context'], 'OBJECT', 'an object'),
                distill.duplicate_key_error('in context', 'duplicate_context_key'),
                distill.optional_type_error('text', t['text'], 'VARCHAR', 'a string'),
                distill.optional_type_error('title', t['title'], 'VARCHAR', 'a string'),
                distill.optional_type_error('file_refs', t['file_refs'], 'ARRAY', 'an array of strings'),
                "case when not file_refs_all_strings then 'file_refs: every entry must be a string' end",
                distill.optional_type_error('provenance', t['provenance'], 'OBJECT', 'an object'),
                distill.duplicate_key_error('in provenance', 'duplicate_provenance_key'),
        ]) }} as schema_errors
    from typed
),

final as (
    select
        input_file,
        input_line,
        line_id,
        line_status,
        {{ distill.list_len('schema_errors') }} = 0 as is_valid,
        schema_errors,
        raw_line,
        {{ distill.valid_run_id(t['run_id']) }} as run_id,
        task_id,
        task_type,
        role,
        model,
        instruction,
        context_matrix,
        text,
        title,
        coalesce(file_refs, {{ distill.empty_string_list() }}) as file_refs,
        prov_source_file,
        prov_line,
        prov_sig_hash,
        prov_recorded_at_raw,
        {{ distill.parse_iso8601('prov_recorded_at_raw') }} as prov_recorded_at
    from validated
)

select * from final
