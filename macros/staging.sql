{#
  Shared by the staging models of the JSON Lines inputs: decode each non-blank framed line and
  say what it is: invalid_utf8, invalid_json, not_object or object. Blank lines are skipped
  here (SPEC §3; rpt_input_files_accounted counts them) by a test of the decoded text alone.
  As a status, blank made the skip re-run the whole classification, JSON parses included, in
  the filter DuckDB pushes down. `paths` are the JSON paths the model reads with json_types_at
  and json_strings_at, the same list: on Spark each is looked up once per line here
  (json_field_columns).
#}
{% macro non_blank_lines(input_kind, paths) -%}
  select
    input_file,
    input_line,
    line_id,
    line_text,
    line_status{{ distill.json_parse_carry() }},
    {#- raw_line (SPEC §5): a line that is no record, as text of at most 10000 code points;
        invalid UTF-8 shown escaped. Computed only for such lines: cutting costs a scan. -#}
    case
      when line_status = 'invalid_utf8'
        then {{ distill.left_chars(distill.regex_replace_all(distill.blob_escaped('raw'), "'\\\\x0A$'", "''"), 10000) }}
      when line_status in ('invalid_json', 'not_object') then {{ distill.left_chars("trim(trailing chr(10) from line_text)", 10000) }}
    end as raw_line
  from (
    select
      *{{ distill.json_field_columns(paths) }}
    from (
    select
      *,
      case
        when line_text is null then 'invalid_utf8'
        when doc_type is null or {{ distill.json_foreign_literal('line_text') }} then 'invalid_json'
        when doc_type <> 'OBJECT' then 'not_object'
        else 'object'
      end as line_status
    from (
      select
        *,
        {{ distill.json_doc_type_or_null('line_text') }} as doc_type
      from (
        select *{{ distill.json_doc_columns('line_text') }}
        from (
        select *{{ distill.json_parse_columns('line_text') }}
        from (
        select *{{ distill.json_clean_columns('line_text') }}
        from (
        select *{{ distill.json_raw_columns('line_text') }}
        from (
        {#- every line carries its '\n' (distill/lines.py), and keeps it: to JSON it is whitespace,
            and cutting it (rtrim) cost more than all the JSON parsing of a 2 KB line together -#}
        select
          input_file,
          input_line,
          line_id,
          raw,
          {{ distill.try_decode_utf8('raw') }} as line_text
        from {{ ref('base_substrate__lines') }}
        where input_kind = '{{ input_kind }}' and input_line > 0
      ) as decoded
      where line_text is null or not {{ distill.is_blank('line_text') }}
      ) as raw_parsed
      ) as cleaned
      ) as parsed
      ) as parsed_text
    ) as typed
  ) as classified
  ) as fielded
{%- endmacro %}

{#- The schema error for a line that is not a record at all. -#}
{% macro line_status_error(status, expr) -%}
  case {{ status }}
    when 'invalid_utf8' then 'line: not valid UTF-8'
    when 'invalid_json' then 'line: not valid JSON'
    when 'not_object' then 'line: ' || {{ distill.json_type_name(distill.json_doc_type(expr)) }} || ', not a JSON object'
  end
{%- endmacro %}

{#- Error message when a required field is missing, blank or not a string. -#}
{% macro required_string_error(field, type_expr, value_expr) -%}
  case
    when {{ type_expr }} is null or {{ type_expr }} = 'NULL' then '{{ field }}: missing'
    when {{ type_expr }} <> 'VARCHAR' then '{{ field }}: must be a string, got ' || {{ distill.json_type_name(type_expr) }}
    when {{ distill.is_blank(value_expr) }} then '{{ field }}: blank'
  end
{%- endmacro %}

{#- Error message when an optional field is neither null nor of its JSON type. -#}
{% macro optional_type_error(field, type_expr, json_type, noun) -%}
  case
    when {{ type_expr }} is not null and {{ type_expr }} not in ('NULL', '{{ json_type }}')
      then '{{ field }}: must be {{ noun }} or null, got ' || {{ distill.json_type_name(type_expr) }}
  end
{%- endmacro %}

{% macro duplicate_key_error(where, key_expr) -%}
  case when {{ key_expr }} is not null then 'duplicate key "' || {{ key_expr }} || '" {{ where }}' end
{%- endmacro %}

{#- run_id: SPEC §2.1, a non-blank string without control characters. -#}
{% macro run_id_error(type_expr, value_expr) -%}
  coalesce(
    {{ distill.required_string_error('run_id', type_expr, value_expr) }},
    case when {{ distill.has_control_char(value_expr) }} then 'run_id: contains a control character' end
  )
{%- endmacro %}

{#-
  SPEC §3 schema errors of a staged line: the one error of a line that is no record, else one
  message per failing field: a duplicate top-level key, run_id (its JSON type in `run_id_type`),
  then `field_errors` (expressions, null when the field is fine). Empty when the record is valid.
-#}
{% macro schema_errors(run_id_type, field_errors) -%}
  case
    when line_status <> 'object' then {{ distill.list_of([distill.line_status_error('line_status', 'line_text')]) }}
    else {{ distill.compact_list([
        distill.duplicate_key_error('in the record', 'duplicate_key'),
        distill.run_id_error(run_id_type, 'run_id'),
    ] + field_errors) }}
  end
{%- endmacro %}

{#- SPEC §2.1 run_id: the value when it is a non-blank string without control characters, else null. -#}
{% macro valid_run_id(run_id_type) -%}
  case
    when {{ run_id_type }} = 'VARCHAR' and not {{ distill.has_control_char('run_id') }} and not {{ distill.is_blank('run_id') }}
      then run_id
  end
{%- endmacro %}
