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
{% macro json_foreign_literal(expr) %}{{ return(adapter.dispatch('json_foreign_literal', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_foreign_literal(expr) %}{{ distill._unsupported('json_foreign_literal') }}{% endmacro %}
{#- Spark's classification refuses every other spelling already (see below) -#}
{% macro spark__json_foreign_literal(expr) %}false{% endmacro %}
{% macro duckdb__json_foreign_literal(expr) -%}
  ({{ distill.regex_search(expr, "'(?i:nan|inf)'") }}
   and {{ distill.list_any(
        distill.regex_extract_all(
            distill.regex_replace_all(expr, "'\"(?:[^\"\\\\]|\\\\.)*\"'", "'\"\"'"),
            "'-?(?i:nan|infinity|inf)'"),
        'literal', "literal not in ('NaN', 'Infinity', '-Infinity')") }})
{%- endmacro %}

{# ---------------------------------------------------------------- Spark
  Spark's JSON functions do not read SPEC §2's JSON alike (Jackson-based ones accept comments,
  single quotes, raw control characters and trailing garbage; the VARIANT parser refuses NaN
  and trailing commas, stops after the first value and keeps the last of duplicate keys). The
  Spark side classifies a line in SQL (docs/spark.md): raw control characters refuse it;
  outside strings, trailing commas are deleted and exactly NaN, Infinity and -Infinity made a
  number; the text must then parse as a VARIANT inside `[...]` and inside `{"k": ...}` (no
  line can close both wrappers early). Types come from schema_of_variant, keys (in order, with
  duplicates) from json_object_keys, and on a line with a duplicate key the values are read by
  get_json_object, whose first match wins, as in DuckDB. Every repetition in these patterns is
  possessive: Java's regex recursion overflows the stack on a long string otherwise, which
  ends the JVM. A line the VARIANT parser takes as it is skips the cleaning and the control
  characters' check (json_raw_columns). The classification is computed once per line in
  non_blank_lines (the columns of json_raw_columns, json_clean_columns, json_parse_columns,
  json_doc_columns and json_field_columns), and the macros below read those columns.
#}

{% macro _spark_json_clean(expr) -%}
  replace(regexp_replace(regexp_replace({{ expr }}, '(?s)("(?:[^"\\\\]++|\\\\.)*+"|[\\[{,][ \\t\\n\\r]*,)|,(?=[ \\t\\n\\r]*[}\\]])|(?<![\\w.+-])(-Infinity|Infinity|NaN)(?![\\w.+-])', concat('$1', chr(1), '$2')),
    '\\x01(?:-Infinity|Infinity|NaN)', '0.0'), chr(1), '')
{%- endmacro %}

{#- the document as a VARIANT, null when the text is not SPEC §2's JSON; reads json_cx and
    json_arr (json_parse_columns) -#}
{% macro _spark_json_doc() -%}
  case
    when variant_get(json_arr, '$[0]') is not null
      and variant_get(json_arr, '$[1]') is null
      and (not contains(json_cx, ']') or try_parse_json(concat('{"k":', json_cx, '}')) is not null)
      then variant_get(json_arr, '$[0]')
  end
{%- endmacro %}

{#- DuckDB's json_type names of a VARIANT value: a JSON integer within 64 bits BIGINT, any other number DOUBLE -#}
{% macro _spark_json_type(v) %}{{ return(distill._spark_json_type_named(v, 'schema_of_variant(' ~ v ~ ')')) }}{% endmacro %}
{#- the same from the value and its schema_of_variant `s`, computed once (json_fields) -#}
{% macro _spark_json_type_named(v, s) -%}
  case
    when {{ v }} is null then null
    when {{ s }} like 'OBJECT%' then 'OBJECT'
    when {{ s }} like 'ARRAY%' then 'ARRAY'
    when {{ s }} = 'STRING' then 'VARCHAR'
    when {{ s }} = 'VOID' then 'NULL'
    when {{ s }} = 'BOOLEAN' then 'BOOLEAN'
    when {{ s }} in ('TINYINT', 'SMALLINT', 'INT', 'BIGINT') then 'BIGINT'
    else 'DOUBLE'
  end
{%- endmacro %}

{#-
  The columns the other spark__ macros read, added where the text is decoded (macros/staging.sql,
  non_blank_lines), so that a field's SQL does not repeat the classifier: json_cx (the cleaned
  text), json_doc (the document, null when the text is no JSON), json_keys_found (the keys of the
  record, its provenance and its context, in order, duplicates kept), json_dup (a key twice in
  one of them) and json_dup_text (only on a line with json_dup). Three levels, each a select
  over the one before, so that each expensive expression (the cleaning regex, the parses, the
  key lists) is computed once per line and read as a column: Spark does not merge a select into
  the next when that would repeat an expression that is not cheap, but within one select it
  shares little across CASE branches and ORs. The evidence staging of 100K runs (the compiled
  model into Spark's noop sink, second run) took 57.9 s with the classifier in one select, 46.0 s
  in three. DuckDB reads its JSON directly and adds none.
-#}
{#- the objects whose keys json_keys_found lists, in its order -#}
{% macro _spark_key_paths() %}{{ return(['$', '$.provenance', '$.context']) }}{% endmacro %}

{#- json_raw: the text itself parsed inside `[...]`. Text the VARIANT parser takes unchanged
    holds no trailing comma, no NaN or Infinity and no raw control character (it refuses each,
    in strings too), so cleaning it would return it unchanged: only the lines it refuses are
    cleaned and parsed again. The cleaning regex and the control-character check, run on
    every line, were half of the evidence staging (100K runs, the compiled model into Spark's
    noop sink: 46.2 s before, 29.6 s after, the same rows). Should a Spark release accept any
    of these, the parity module fails: it runs test_bad_input's raw control characters, NaN
    and trailing commas on both engines. -#}
{% macro json_raw_columns(expr) %}{{ return(adapter.dispatch('json_raw_columns', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_raw_columns(expr) %}{{ distill._unsupported('json_raw_columns') }}{% endmacro %}
{% macro duckdb__json_raw_columns(expr) %}{% endmacro %}
{% macro spark__json_raw_columns(expr) -%}
  , try_parse_json(concat('[', {{ expr }}, ']')) as json_raw
{%- endmacro %}

{% macro json_clean_columns(expr) %}{{ return(adapter.dispatch('json_clean_columns', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_clean_columns(expr) %}{{ distill._unsupported('json_clean_columns') }}{% endmacro %}
{% macro duckdb__json_clean_columns(expr) %}{% endmacro %}
{% macro spark__json_clean_columns(expr) -%}
  , case when json_raw is not null then {{ expr }} else {{ distill._spark_json_clean(expr) }} end as json_cx
{%- endmacro %}

{% macro json_parse_columns(expr) %}{{ return(adapter.dispatch('json_parse_columns', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_parse_columns(expr) %}{{ distill._unsupported('json_parse_columns') }}{% endmacro %}
{% macro duckdb__json_parse_columns(expr) %}{% endmacro %}
{% macro spark__json_parse_columns(expr) -%}
  , coalesce(json_raw,
      case when not ({{ expr }} rlike '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]') then try_parse_json(concat('[', json_cx, ']')) end) as json_arr,
  array({% for p in distill._spark_key_paths() %}{{ distill._spark_json_keys('json_cx', p) }}{% if not loop.last %}, {% endif %}{% endfor %}) as json_keys_found
{%- endmacro %}

{% macro json_doc_columns(expr) %}{{ return(adapter.dispatch('json_doc_columns', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_doc_columns(expr) %}{{ distill._unsupported('json_doc_columns') }}{% endmacro %}
{% macro duckdb__json_doc_columns(expr) %}{% endmacro %}
{% macro spark__json_doc_columns(expr) -%}
  , {{ distill._spark_json_doc() }} as json_doc,
  {{ distill._spark_json_has_dup('json_keys_found') }} as json_dup,
  case when {{ distill._spark_json_has_dup('json_keys_found') }} then {{ distill._spark_json_dup_text('json_cx') }} end as json_dup_text
{%- endmacro %}

{#- the names of those columns, for a select that carries them on -#}
{% macro json_parse_carry() %}{{ return(adapter.dispatch('json_parse_carry', 'distill')()) }}{% endmacro %}
{% macro default__json_parse_carry() %}{{ distill._unsupported('json_parse_carry') }}{% endmacro %}
{% macro duckdb__json_parse_carry() %}{% endmacro %}
{% macro spark__json_parse_carry() %}, json_cx, json_doc, json_keys_found, json_dup, json_dup_text, json_fields{% endmacro %}

{% macro spark__json_doc_type(expr) %}{{ distill._spark_json_type('json_doc') }}{% endmacro %}
{% macro spark__json_doc_type_or_null(expr) %}{{ distill._spark_json_type('json_doc') }}{% endmacro %}

{#- the keys of the object at a path, in order, duplicates kept; null when it is no object -#}
{% macro _spark_json_keys(cx, path) -%}
  {%- if path == '$' -%}
  json_object_keys({{ cx }})
  {%- else -%}
  json_object_keys(get_json_object({{ cx }}, '{{ path }}'))
  {%- endif -%}
{%- endmacro %}

{#- the keys at the three paths json_keys_found holds are read from it -#}
{% macro spark__json_keys_at(expr, paths) -%}
  {%- set found = distill._spark_key_paths() -%}
  array({% for p in paths %}
    {%- if p in found %}json_keys_found[{{ found.index(p) }}]{% else %}{{ distill._spark_json_keys('json_cx', p) }}{% endif %}
    {%- if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- true when the record, its provenance or its context holds a key twice (SPEC §2.5), from
    their three key lists -#}
{% macro _spark_json_has_dup(key_lists) -%}
  ({%- for i in range(distill._spark_key_paths() | length) %}
    coalesce(size(array_distinct({{ key_lists }}[{{ i }}])) < size({{ key_lists }}[{{ i }}]), false)
    {%- if not loop.last %} or{% endif %}
  {%- endfor %})
{%- endmacro %}
{#- the text for get_json_object on a line with a duplicate key: JSON null as the string
    "\u0002null" (a null match is skipped by a wildcard path, which would take the next
    duplicate), every non-integer number as 0.0 (Jackson writes a huge one as "Infinity") -#}
{% macro _spark_json_dup_text(cx) -%}
  replace(
    regexp_replace(
      regexp_replace(
        regexp_replace({{ cx }}, '(?s)("(?:[^"\\\\]++|\\\\.)*+")|(?<![\\w.+-])(null|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?[eE][+-]?[0-9]+|-?(?:0|[1-9][0-9]*)\\.[0-9]+)(?![\\w.+-])', concat('$1', chr(1), '$2')),
        concat(chr(1), 'null'), concat('"', chr(2), 'null"')),
      concat(chr(1), '-?[0-9][0-9.eE+-]*'), '0.0'),
    chr(1), '')
{%- endmacro %}

{#- the value at a JSON path as a VARIANT, the first of duplicate keys winning as in DuckDB
    (the VARIANT keeps the last one): on a line with a duplicate key it is read by
    get_json_object, whose wildcard step returns the first match as JSON text -#}
{% macro _spark_json_field(path) -%}
  {%- set fallback = "try_parse_json(get_json_object(concat('[', json_dup_text, ']'), '$[*]" ~ path[1:] ~ "'))" -%}
  case
    when json_dup then
      case
        when try_variant_get({{ fallback }}, '$', 'string') = concat(chr(2), 'null') then parse_json('null')
        else {{ fallback }}
      end
    else try_variant_get(json_doc, '{{ path }}')
  end
{%- endmacro %}

{#-
  The value at each of a staging model's paths and its schema_of_variant, once per line: json_fields,
  an array of structs (v, s) in the order of `paths`, added by non_blank_lines. A schema is
  computed once per value in the lambda; written per use, each of the 16 evidence paths was
  looked up and its schema built up to ten times: the evidence staging of 100K runs took 46.0 s
  that way and 34.4 s with json_fields (measured as above).
-#}
{% macro json_field_columns(paths) %}{{ return(adapter.dispatch('json_field_columns', 'distill')(paths)) }}{% endmacro %}
{% macro default__json_field_columns(paths) %}{{ distill._unsupported('json_field_columns') }}{% endmacro %}
{% macro duckdb__json_field_columns(paths) %}{% endmacro %}
{% macro spark__json_field_columns(paths) -%}
  , transform(array({% for p in paths %}{{ distill._spark_json_field(p) }}{% if not loop.last %}, {% endif %}{% endfor %}),
      v -> named_struct('v', v, 's', schema_of_variant(v))) as json_fields
{%- endmacro %}

{#- On Spark `paths` must be the list given to non_blank_lines: the values are read from
    json_fields by position -#}
{% macro spark__json_types_at(expr, paths) -%}
  array({% for p in paths %}{{ distill._spark_json_type_named('json_fields[' ~ loop.index0 ~ '].v', 'json_fields[' ~ loop.index0 ~ '].s') }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- a string's value, an integer's digits (DuckDB's json_extract_string of both) -#}
{% macro spark__json_strings_at(expr, paths) -%}
  array({% for p in paths %}
    {%- set f = 'json_fields[' ~ loop.index0 ~ ']' %}
    case
      when {{ f }}.s = 'STRING' then variant_get({{ f }}.v, '$', 'string')
      when {{ f }}.s in ('TINYINT', 'SMALLINT', 'INT', 'BIGINT') then cast(try_variant_get({{ f }}.v, '$', 'bigint') as string)
    end{% if not loop.last %}, {% endif %}
  {%- endfor %})
{%- endmacro %}

{#- on Spark the values are VARIANTs, which json_array_strings and json_array_all_strings read -#}
{% macro spark__json_values_at(expr, paths) -%}
  array({% for p in paths %}{{ distill._spark_json_field(p) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro spark__json_array_strings(json_expr) -%}
  case
    when schema_of_variant({{ json_expr }}) like 'ARRAY%' then transform(
      filter(cast({{ json_expr }} as array<variant>),
        e -> schema_of_variant(e) = 'STRING' and cast(e as string) <> concat(chr(2), 'null')),
      e -> cast(e as string))
  end
{%- endmacro %}

{% macro spark__json_array_all_strings(json_expr) -%}
  coalesce(forall(cast({{ json_expr }} as array<variant>),
    e -> schema_of_variant(e) = 'STRING' and cast(e as string) <> concat(chr(2), 'null')), true)
{%- endmacro %}

{% macro spark__first_duplicate(list_expr) -%}
  element_at(filter({{ list_expr }}, (k, i) -> array_position({{ list_expr }}, k) < i + 1), 1)
{%- endmacro %}

{#- JSON on Spark is its text: the writer reads it as DuckDB's JSON type (docs/spark.md) -#}
{% macro spark__as_json(expr) %}{{ expr }}{% endmacro %}

{#- The string at one JSON path of a JSON value (a quarantine's source_record, which Spark keeps
    as JSON text); null when missing. -#}
{% macro json_string_at(expr, path) %}{{ return(adapter.dispatch('json_string_at', 'distill')(expr, path)) }}{% endmacro %}
{% macro default__json_string_at(expr, path) %}{{ distill._unsupported('json_string_at') }}{% endmacro %}
{% macro duckdb__json_string_at(expr, path) %}json_extract_string({{ expr }}, '{{ path }}'){% endmacro %}
{% macro spark__json_string_at(expr, path) %}get_json_object({{ expr }}, '{{ path }}'){% endmacro %}
