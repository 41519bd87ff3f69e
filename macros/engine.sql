{#
  Engine-specific SQL, one dispatched macro per capability (the pattern of dbt-core's own
  cross-database macros). The models call only these, so that another engine needs a new
  `<adapter>__` implementation here and no change to a model. `default__` refuses loudly:
  a silent fallback could change an id or let a gate pass.
#}

{% macro _unsupported(name) %}
  {{ exceptions.raise_compiler_error(
      "distill: macro '" ~ name ~ "' has no implementation for adapter '" ~ adapter.type() ~ "'") }}
{% endmacro %}

{# ---------- hashing and ids ---------- #}

{% macro sha256_hex(expr) %}{{ return(adapter.dispatch('sha256_hex', 'distill')(expr)) }}{% endmacro %}
{% macro default__sha256_hex(expr) %}{{ distill._unsupported('sha256_hex') }}{% endmacro %}
{% macro duckdb__sha256_hex(expr) %}sha256({{ expr }}){% endmacro %}

{#- A 64-bit hash of a value, as an unsigned integer: for order-free checksums in tests. -#}
{% macro hash64(expr) %}{{ return(adapter.dispatch('hash64', 'distill')(expr)) }}{% endmacro %}
{% macro default__hash64(expr) %}{{ distill._unsupported('hash64') }}{% endmacro %}
{% macro duckdb__hash64(expr) %}hash({{ expr }}){% endmacro %}

{#- The unit separator U+001F that joins id parts (SPEC §5). -#}
{% macro unit_separator() %}{{ return(adapter.dispatch('unit_separator', 'distill')()) }}{% endmacro %}
{% macro default__unit_separator() %}{{ distill._unsupported('unit_separator') }}{% endmacro %}
{% macro duckdb__unit_separator() %}chr(31){% endmacro %}

{#-
  SPEC §5: prefix + hex16(part1 ␟ part2 ...). Every part is coalesced to '' before it is
  concatenated: engines disagree on null || 'x', and an id must never be null.
-#}
{% macro export_id(prefix, parts) %}
  '{{ prefix }}-' || left({{ distill.sha256_hex(distill.join_parts(parts)) }}, 16)
{%- endmacro %}

{% macro join_parts(parts) -%}
  {%- for part in parts -%}
    coalesce(cast({{ part }} as varchar), '')
    {%- if not loop.last %} || {{ distill.unit_separator() }} || {% endif -%}
  {%- endfor -%}
{%- endmacro %}

{# ---------- bytes and text ---------- #}

{#- A blob's text when it is valid UTF-8, else null. -#}
{% macro try_decode_utf8(expr) %}{{ return(adapter.dispatch('try_decode_utf8', 'distill')(expr)) }}{% endmacro %}
{% macro default__try_decode_utf8(expr) %}{{ distill._unsupported('try_decode_utf8') }}{% endmacro %}
{% macro duckdb__try_decode_utf8(expr) %}try(decode({{ expr }})){% endmacro %}

{#-
  A blob rendered as text, bytes outside printable ASCII escaped as \xNN: the raw_line of a
  line that is not UTF-8. DuckDB's cast also escapes " ' and \ (as \x22 \x27 \x5C); those
  are put back, backslash last, so the text reads like the line and nothing is ambiguous.
-#}
{% macro blob_escaped(expr) %}{{ return(adapter.dispatch('blob_escaped', 'distill')(expr)) }}{% endmacro %}
{% macro default__blob_escaped(expr) %}{{ distill._unsupported('blob_escaped') }}{% endmacro %}
{% macro duckdb__blob_escaped(expr) -%}
  replace(replace(replace(cast({{ expr }} as varchar), '\x22', '"'), '\x27', ''''), '\x5C', '\')
{%- endmacro %}

{#- SPEC §2 whitespace, as an RE2 character class. -#}
{% macro ws_class() %}[\t-\r \x{85}\p{Zs}\x{2028}\x{2029}]{% endmacro %}

{% macro regex_full_match(expr, pattern) %}{{ return(adapter.dispatch('regex_full_match', 'distill')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_full_match(expr, pattern) %}{{ distill._unsupported('regex_full_match') }}{% endmacro %}
{% macro duckdb__regex_full_match(expr, pattern) %}regexp_full_match({{ expr }}, {{ pattern }}){% endmacro %}

{% macro regex_search(expr, pattern) %}{{ return(adapter.dispatch('regex_search', 'distill')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_search(expr, pattern) %}{{ distill._unsupported('regex_search') }}{% endmacro %}
{% macro duckdb__regex_search(expr, pattern) %}regexp_matches({{ expr }}, {{ pattern }}){% endmacro %}

{% macro regex_replace_all(expr, pattern, replacement) %}{{ return(adapter.dispatch('regex_replace_all', 'distill')(expr, pattern, replacement)) }}{% endmacro %}
{% macro default__regex_replace_all(expr, pattern, replacement) %}{{ distill._unsupported('regex_replace_all') }}{% endmacro %}
{% macro duckdb__regex_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g'){% endmacro %}

{#- SPEC §2: blank = null or only whitespace. -#}
{% macro is_blank(expr) -%}
  ({{ expr }} is null or {{ distill.regex_full_match(expr, "'" ~ distill.ws_class() ~ "*'") }})
{%- endmacro %}

{#- SPEC §2: trim removes whitespace at both ends (not only ASCII spaces). -#}
{% macro trim_ws(expr) -%}
  {{ distill.regex_replace_all(expr, "'^" ~ distill.ws_class() ~ "+|" ~ distill.ws_class() ~ "+$'", "''") }}
{%- endmacro %}

{#- SPEC §2.1: control characters are U+0000-U+001F and U+007F only. -#}
{% macro has_control_char(expr) -%}
  {{ distill.regex_search(expr, "'[\\x00-\\x1f\\x7f]'") }}
{%- endmacro %}

{#- Cut to n code points. -#}
{% macro left_chars(expr, n) %}left({{ expr }}, {{ n }}){% endmacro %}

{# ---------- lists ---------- #}

{#- The non-null values of a list of expressions, in order (error messages). -#}
{% macro compact_list(exprs) %}{{ return(adapter.dispatch('compact_list', 'distill')(exprs)) }}{% endmacro %}
{% macro default__compact_list(exprs) %}{{ distill._unsupported('compact_list') }}{% endmacro %}
{% macro duckdb__compact_list(exprs) -%}
  list_filter([{% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}], lambda x: x is not null)
{%- endmacro %}

{% macro list_len(expr) %}{{ return(adapter.dispatch('list_len', 'distill')(expr)) }}{% endmacro %}
{% macro default__list_len(expr) %}{{ distill._unsupported('list_len') }}{% endmacro %}
{% macro duckdb__list_len(expr) %}len({{ expr }}){% endmacro %}

{#- A list's entries joined by a separator (both SQL expressions). -#}
{% macro list_join(expr, separator) %}{{ return(adapter.dispatch('list_join', 'distill')(expr, separator)) }}{% endmacro %}
{% macro default__list_join(expr, separator) %}{{ distill._unsupported('list_join') }}{% endmacro %}
{% macro duckdb__list_join(expr, separator) %}array_to_string({{ expr }}, {{ separator }}){% endmacro %}

{#- The non-null values of several string expressions joined by a separator; '' when none. -#}
{% macro join_non_null(exprs, separator) -%}
  coalesce({{ distill.list_join(distill.compact_list(exprs), separator) }}, '')
{%- endmacro %}

{#- SPEC §5: the first line of a text (split on '\n' only) that is not blank; null when none. -#}
{% macro first_non_blank_line(expr) %}{{ return(adapter.dispatch('first_non_blank_line', 'distill')(expr)) }}{% endmacro %}
{% macro default__first_non_blank_line(expr) %}{{ distill._unsupported('first_non_blank_line') }}{% endmacro %}
{% macro duckdb__first_non_blank_line(expr) -%}
  {#- the first line holding a character outside the whitespace set; one linear scan -#}
  nullif(regexp_extract({{ expr }}, '(?:^|\n)([^\n]*?[^\t-\r \x{85}\p{Zs}\x{2028}\x{2029}][^\n]*)', 1), '')
{%- endmacro %}

{#- Apply a SQL expression of `var` to every entry of a list. -#}
{% macro list_transform(expr, var, body) %}{{ return(adapter.dispatch('list_transform', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_transform(expr, var, body) %}{{ distill._unsupported('list_transform') }}{% endmacro %}
{% macro duckdb__list_transform(expr, var, body) %}list_transform({{ expr }}, lambda {{ var }}: {{ body }}){% endmacro %}

{#- True when the SQL expression `body` of `var` holds for some entry of a list; false for an
    empty list. A list function, not a correlated `unnest` subquery: that one makes the planner
    compute every column of a view, the source_record of the quarantine views among them. -#}
{% macro list_any(expr, var, body) %}{{ return(adapter.dispatch('list_any', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_any(expr, var, body) %}{{ distill._unsupported('list_any') }}{% endmacro %}
{% macro duckdb__list_any(expr, var, body) %}coalesce(list_bool_or(list_transform({{ expr }}, lambda {{ var }}: {{ body }})), false){% endmacro %}

{#- A struct (JSON object on output) from (name, expression) pairs, keys in the given order. -#}
{% macro struct_of(fields) %}{{ return(adapter.dispatch('struct_of', 'distill')(fields)) }}{% endmacro %}
{% macro default__struct_of(fields) %}{{ distill._unsupported('struct_of') }}{% endmacro %}
{% macro duckdb__struct_of(fields) -%}
  {{ '{' }}{%- for name, expr in fields -%}'{{ name }}': {{ expr }}{% if not loop.last %}, {% endif %}{%- endfor -%}{{ '}' }}
{%- endmacro %}

{#- A JSON object from (name, expression) pairs; JSON-typed values are embedded, not quoted. -#}
{% macro json_object_of(fields) %}{{ return(adapter.dispatch('json_object_of', 'distill')(fields)) }}{% endmacro %}
{% macro default__json_object_of(fields) %}{{ distill._unsupported('json_object_of') }}{% endmacro %}
{% macro duckdb__json_object_of(fields) -%}
  json_object({%- for name, expr in fields -%}'{{ name }}', {{ expr }}{% if not loop.last %}, {% endif %}{%- endfor -%})
{%- endmacro %}

{#- Store the table a model creates with one compression method: a pre-hook. With none, a
    post-hook outside the transaction: store what is still in memory (DuckDB compresses a small
    table when it checkpoints, not when it inserts), then give the choice back to the engine.
    Engines without such a setting store as they do. -#}
{% macro force_compression(method) %}{{ return(adapter.dispatch('force_compression', 'distill')(method)) }}{% endmacro %}
{% macro default__force_compression(method) %}{% endmacro %}
{% macro duckdb__force_compression(method) -%}
  {%- if method is none -%}checkpoint; reset force_compression{%- else -%}set force_compression = '{{ method }}'{%- endif -%}
{%- endmacro %}
