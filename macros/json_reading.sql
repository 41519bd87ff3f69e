{#
  JSON reading, engine-specific. SPEC §2's JSON is RFC 8259 plus NaN, Infinity, -Infinity and
  trailing commas; raw control characters and lone surrogates are rejected. DuckDB's reader is
  that JSON but for one thing: it also takes other spellings of NaN and infinity (`Inf`,
  `-NaN`, `nan`, `INFINITY`, ...), which SPEC revision 3 refuses; json_foreign_literal finds
  them. A line is a record when DuckDB's reader accepts it, it holds no such spelling, and it
  is an object.
#}

{#- The JSON type of the whole document: OBJECT, ARRAY, VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, NULL. -#}
{% macro json_doc_type(expr) %}{{ return(adapter.dispatch('json_doc_type', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_doc_type(expr) %}{{ distill._unsupported('json_doc_type') }}{% endmacro %}
{% macro duckdb__json_doc_type(expr) %}json_type({{ expr }}){% endmacro %}

{#- The document's JSON type as json_doc_type gives it, or null when the text is not JSON: one
    parse where json_valid and then json_type took two. DuckDB's
    json_valid and json_type read with the same leniency (NaN, trailing commas); the staging unit
    tests hold both sides: the invalid_json lines and the lenient ones that are records. -#}
{% macro json_doc_type_or_null(expr) %}{{ return(adapter.dispatch('json_doc_type_or_null', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_doc_type_or_null(expr) %}{{ distill._unsupported('json_doc_type_or_null') }}{% endmacro %}
{% macro duckdb__json_doc_type_or_null(expr) %}try(json_type({{ expr }})){% endmacro %}

{#-
  The JSON types (list) and string values (list) at several paths, each in one parse of the
  document: a 2 KB record is parsed twice, not once per field.
  A missing path gives SQL null; a JSON null gives the type 'NULL'.
-#}
{% macro json_types_at(expr, paths) %}{{ return(adapter.dispatch('json_types_at', 'distill')(expr, paths)) }}{% endmacro %}
{% macro default__json_types_at(expr, paths) %}{{ distill._unsupported('json_types_at') }}{% endmacro %}
{% macro duckdb__json_types_at(expr, paths) -%}
  json_type({{ expr }}, [{% for p in paths %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %}])
{%- endmacro %}

{% macro json_strings_at(expr, paths) %}{{ return(adapter.dispatch('json_strings_at', 'distill')(expr, paths)) }}{% endmacro %}
{% macro default__json_strings_at(expr, paths) %}{{ distill._unsupported('json_strings_at') }}{% endmacro %}
{% macro duckdb__json_strings_at(expr, paths) -%}
  json_extract_string({{ expr }}, [{% for p in paths %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %}])
{%- endmacro %}

{#- The keys (a list per path) of the objects at several paths, in one parse; [] where none. -#}
{% macro json_keys_at(expr, paths) %}{{ return(adapter.dispatch('json_keys_at', 'distill')(expr, paths)) }}{% endmacro %}
{% macro default__json_keys_at(expr, paths) %}{{ distill._unsupported('json_keys_at') }}{% endmacro %}
{% macro duckdb__json_keys_at(expr, paths) -%}
  json_keys({{ expr }}, [{% for p in paths %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %}])
{%- endmacro %}

{#- The JSON values (as JSON text) at several paths, in one parse; null where missing. -#}
{% macro json_values_at(expr, paths) %}{{ return(adapter.dispatch('json_values_at', 'distill')(expr, paths)) }}{% endmacro %}
{% macro default__json_values_at(expr, paths) %}{{ distill._unsupported('json_values_at') }}{% endmacro %}
{% macro duckdb__json_values_at(expr, paths) -%}
  json_extract({{ expr }}, [{% for p in paths %}'{{ p }}'{% if not loop.last %}, {% endif %}{% endfor %}])
{%- endmacro %}

{#-
  The first entry of a list (of keys) that occurs twice, or null. SPEC §2.5: checked in the
  top-level object and in provenance and context themselves only.
-#}
{% macro first_duplicate(list_expr) %}{{ return(adapter.dispatch('first_duplicate', 'distill')(list_expr)) }}{% endmacro %}
{% macro default__first_duplicate(list_expr) %}{{ distill._unsupported('first_duplicate') }}{% endmacro %}
{% macro duckdb__first_duplicate(list_expr) -%}
  case when list_unique({{ list_expr }}) < len({{ list_expr }}) then list_filter({{ list_expr }}, lambda k, i: list_position({{ list_expr }}, k) < i)[1] end
{%- endmacro %}

{#-
  From a JSON array value: its string entries, in order (context.matrix keeps only those), and
  whether every entry is a string (file_refs must be all strings).
-#}
{% macro json_array_strings(json_expr) %}{{ return(adapter.dispatch('json_array_strings', 'distill')(json_expr)) }}{% endmacro %}
{% macro default__json_array_strings(json_expr) %}{{ distill._unsupported('json_array_strings') }}{% endmacro %}
{% macro duckdb__json_array_strings(json_expr) -%}
  list_transform(
    list_filter(cast({{ json_expr }} as json[]), lambda e: json_type(e) = 'VARCHAR'),
    lambda e: json_extract_string(e, '$')
  )
{%- endmacro %}

{% macro json_array_all_strings(json_expr) %}{{ return(adapter.dispatch('json_array_all_strings', 'distill')(json_expr)) }}{% endmacro %}
{% macro default__json_array_all_strings(json_expr) %}{{ distill._unsupported('json_array_all_strings') }}{% endmacro %}
{% macro duckdb__json_array_all_strings(json_expr) -%}
  {#- a JSON null entry casts to SQL NULL, whose type is NULL: it must count as not a string -#}
  coalesce(
    list_bool_and(list_transform(cast({{ json_expr }} as json[]), lambda e: coalesce(json_type(e) = 'VARCHAR', false))),
    true
  )
{%- endmacro %}

{#- A JSON type as a person would name it, for error messages. -#}
{% macro json_type_name(t) -%}
  case {{ t }}
    when 'VARCHAR' then 'a string'
    when 'BIGINT' then 'a number' when 'UBIGINT' then 'a number' when 'DOUBLE' then 'a number'
    when 'HUGEINT' then 'a number'
    when 'BOOLEAN' then 'a boolean' when 'OBJECT' then 'an object' when 'ARRAY' then 'an array'
    when 'NULL' then 'null'
    else lower({{ t }})
  end
{%- endmacro %}

{#- Keep a JSON value as the engine's JSON type (source_record). -#}
{% macro as_json(expr) %}{{ return(adapter.dispatch('as_json', 'distill')(expr)) }}{% endmacro %}
{% macro default__as_json(expr) %}{{ distill._unsupported('as_json') }}{% endmacro %}
{% macro duckdb__as_json(expr) %}cast({{ expr }} as json){% endmacro %}

{#-
  True when a text DuckDB's reader accepts as JSON holds a spelling of NaN or infinity that
  SPEC §2 (revision 3) does not: only NaN, Infinity and -Infinity, case-sensitive. Strings are
  blanked out first, so "inf" inside a string is text, not a literal; only texts that hold
  such letters at all are looked at again.
-#}
{% macro json_foreign_literal(expr) -%}
  ({{ distill.regex_search(expr, "'(?i:nan|inf)'") }}
   and {{ distill.list_any(
        distill.regex_extract_all(
            distill.regex_replace_all(expr, "'\"(?:[^\"\\\\]|\\\\.)*\"'", "'\"\"'"),
            "'-?(?i:nan|infinity|inf)'"),
        'literal', "literal not in ('NaN', 'Infinity', '-Infinity')") }})
{%- endmacro %}
