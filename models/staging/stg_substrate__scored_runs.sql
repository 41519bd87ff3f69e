{{ config(materialized='table') }}
{#
  One row per non-blank scored-run line (SPEC §2.2, §3): status, schema errors, typed fields.
  An unparseable scored_at is not an error: it sorts as the oldest score (SPEC §2.2).
  A table, parsed once for the models that read it.
#}
{%- set paths = ['$.run_id', '$.category', '$.rationale', '$.scorer_version', '$.scored_at'] -%}
{%- set categories = ['accepted', 'partially_accepted', 'rejected', 'needs_human_review'] -%}

with

lines as (
    {{ distill.non_blank_lines('scored', paths) }}
),

parsed as (
    select
        *,
        case when line_status = 'object' then {{ distill.json_types_at('line_text', paths) }} end as json_types,
        case when line_status = 'object' then {{ distill.json_strings_at('line_text', paths) }} end as json_strings,
        case when line_status = 'object' then {{ distill.json_keys_at('line_text', ['$']) }} end as json_keys
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
        {{ distill.list_at('json_types', 1) }} as run_id_type,
        {{ distill.list_at('json_strings', 1) }} as run_id,
        {{ distill.list_at('json_types', 2) }} as category_type,
        {{ distill.list_at('json_strings', 2) }} as category,
        {{ distill.list_at('json_types', 3) }} as rationale_type,
        {{ distill.list_at('json_strings', 3) }} as rationale,
        {{ distill.list_at('json_types', 4) }} as scorer_version_type,
        {{ distill.list_at('json_strings', 4) }} as scorer_version,
        {{ distill.list_at('json_types', 5) }} as scored_at_type,
        {{ distill.list_at('json_strings', 5) }} as scored_at_raw,
        {{ distill.first_duplicate(distill.list_at('json_keys', 1)) }} as duplicate_key  -- noqa: LT02
    from parsed
),

validated as (
    select
        *,
        {{ distill.schema_errors('run_id_type', [
                "coalesce(" ~ distill.required_string_error('category', 'category_type', 'category') ~ ",
                    case when category not in ('" ~ categories | join("', '") ~ "')
                        then 'category: must be one of " ~ categories | join(', ') ~ ", got \"' || category || '\"' end)",
                distill.optional_type_error('rationale', 'rationale_type', 'VARCHAR', 'a string'),
                distill.optional_type_error('scorer_version', 'scorer_version_type', 'VARCHAR', 'a string'),
                distill.optional_type_error('scored_at', 'scored_at_type', 'VARCHAR', 'a string'),
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
        case when line_status = 'object' then {{ distill.as_json('line_text') }} end as record,
        raw_line,
        {{ distill.valid_run_id('run_id_type') }} as run_id,
        case when category_type = 'VARCHAR' then category end as category,
        case when rationale_type = 'VARCHAR' then rationale end as rationale,
        case when scorer_version_type = 'VARCHAR' then scorer_version end as scorer_version,
        case when scored_at_type = 'VARCHAR' then scored_at_raw end as scored_at_raw,
        {{ distill.parse_iso8601("case when scored_at_type = 'VARCHAR' then scored_at_raw end") }} as scored_at
    from validated
)

select * from final
