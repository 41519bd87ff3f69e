{#
  JSON reading, engine-specific. DuckDB's reader is the contract's JSON (SPEC §2: RFC 8259 plus
  NaN/Infinity and trailing commas; raw control characters, lone surrogates rejected), so a
  line is a record exactly when DuckDB's json_valid accepts it and it is an object.
#}

{% macro json_valid(expr) %}{{ return(adapter.dispatch('json_valid', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_valid(expr) %}{{ distill._unsupported('json_valid') }}{% endmacro %}
{% macro duckdb__json_valid(expr) %}json_valid({{ expr }}){% endmacro %}

{#- The JSON type of the whole document: OBJECT, ARRAY, VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, NULL. -#}
{% macro json_doc_type(expr) %}{{ return(adapter.dispatch('json_doc_type', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_doc_type(expr) %}{{ distill._unsupported('json_doc_type') }}{% endmacro %}
{% macro duckdb__json_doc_type(expr) %}json_type({{ expr }}){% endmacro %}

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

{#- 1-based element of a list. -#}
{% macro list_at(expr, i) %}{{ return(adapter.dispatch('list_at', 'distill')(expr, i)) }}{% endmacro %}
{% macro default__list_at(expr, i) %}{{ distill._unsupported('list_at') }}{% endmacro %}
{% macro duckdb__list_at(expr, i) %}{{ expr }}[{{ i }}]{% endmacro %}

{#-
  The first key that occurs twice in the object at `path` ('$' for the document), or null.
  SPEC §2.5: checked in the top-level object and in provenance and context themselves only.
-#}
{% macro json_duplicate_key(expr, path) %}{{ return(adapter.dispatch('json_duplicate_key', 'distill')(expr, path)) }}{% endmacro %}
{% macro default__json_duplicate_key(expr, path) %}{{ distill._unsupported('json_duplicate_key') }}{% endmacro %}
{% macro duckdb__json_duplicate_key(expr, path) -%}
  list_filter(json_keys({{ expr }}, '{{ path }}'), lambda k, i: list_position(json_keys({{ expr }}, '{{ path }}'), k) < i)[1]
{%- endmacro %}

{#-
  The string entries of the JSON array at `path`, in order: `strings` keeps only the string
  entries (context.matrix), and `all_strings` says whether every entry is a string (file_refs).
-#}
{% macro json_array_strings(expr, path) %}{{ return(adapter.dispatch('json_array_strings', 'distill')(expr, path)) }}{% endmacro %}
{% macro default__json_array_strings(expr, path) %}{{ distill._unsupported('json_array_strings') }}{% endmacro %}
{% macro duckdb__json_array_strings(expr, path) -%}
  list_transform(
    list_filter(cast(json_extract({{ expr }}, '{{ path }}[*]') as json[]), lambda e: json_type(e) = 'VARCHAR'),
    lambda e: json_extract_string(e, '$')
  )
{%- endmacro %}

{% macro json_array_all_strings(expr, path) %}{{ return(adapter.dispatch('json_array_all_strings', 'distill')(expr, path)) }}{% endmacro %}
{% macro default__json_array_all_strings(expr, path) %}{{ distill._unsupported('json_array_all_strings') }}{% endmacro %}
{% macro duckdb__json_array_all_strings(expr, path) -%}
  coalesce(list_bool_and(list_transform(json_extract({{ expr }}, '{{ path }}[*]'), lambda e: json_type(e) = 'VARCHAR')), true)
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
