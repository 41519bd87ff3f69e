{# Bytes, text and regular expressions: SPEC §2's blank, trim and control characters. #}

{#- A blob's text when it is valid UTF-8, else null. -#}
{% macro try_decode_utf8(expr) %}{{ return(adapter.dispatch('try_decode_utf8', 'distill')(expr)) }}{% endmacro %}
{% macro default__try_decode_utf8(expr) %}{{ distill._unsupported('try_decode_utf8') }}{% endmacro %}
{% macro duckdb__try_decode_utf8(expr) %}try(decode({{ expr }})){% endmacro %}
{% macro spark__try_decode_utf8(expr) %}case when is_valid_utf8(cast({{ expr }} as string)) then cast({{ expr }} as string) end{% endmacro %}

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
{#- Spark has no such cast: each byte, printable ASCII as itself, every other byte as \xNN. -#}
{% macro spark__blob_escaped(expr) -%}
  array_join(transform(regexp_extract_all(hex({{ expr }}), '..', 0),
    h -> case when conv(h, 16, 10) between 32 and 126 then chr(cast(conv(h, 16, 10) as int)) else concat('\\x', h) end), '')
{%- endmacro %}

{#- SPEC §2 whitespace, the members of an RE2 character class; ws_class() is the class. -#}
{% macro ws_chars() %}\t-\r \x{85}\p{Zs}\x{2028}\x{2029}{% endmacro %}
{% macro ws_class() %}[{{ distill.ws_chars() }}]{% endmacro %}

{% macro regex_full_match(expr, pattern) %}{{ return(adapter.dispatch('regex_full_match', 'distill')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_full_match(expr, pattern) %}{{ distill._unsupported('regex_full_match') }}{% endmacro %}
{% macro duckdb__regex_full_match(expr, pattern) %}regexp_full_match({{ expr }}, {{ pattern }}){% endmacro %}
{% macro spark__regex_full_match(expr, pattern) %}{{ expr }} rlike {{ distill.java_regex(pattern, full=true) }}{% endmacro %}

{% macro regex_search(expr, pattern) %}{{ return(adapter.dispatch('regex_search', 'distill')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_search(expr, pattern) %}{{ distill._unsupported('regex_search') }}{% endmacro %}
{% macro duckdb__regex_search(expr, pattern) %}regexp_matches({{ expr }}, {{ pattern }}){% endmacro %}
{% macro spark__regex_search(expr, pattern) %}{{ expr }} rlike {{ distill.java_regex(pattern) }}{% endmacro %}

{% macro regex_replace_all(expr, pattern, replacement) %}{{ return(adapter.dispatch('regex_replace_all', 'distill')(expr, pattern, replacement)) }}{% endmacro %}
{% macro default__regex_replace_all(expr, pattern, replacement) %}{{ distill._unsupported('regex_replace_all') }}{% endmacro %}
{% macro duckdb__regex_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g'){% endmacro %}
{% macro spark__regex_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, {{ distill.java_regex(pattern) }}, {{ replacement }}){% endmacro %}

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

{#- SPEC §5: the first line of a text (split on '\n' only) that is not blank; null when none. -#}
{% macro first_non_blank_line(expr) %}{{ return(adapter.dispatch('first_non_blank_line', 'distill')(expr)) }}{% endmacro %}
{% macro default__first_non_blank_line(expr) %}{{ distill._unsupported('first_non_blank_line') }}{% endmacro %}
{% macro duckdb__first_non_blank_line(expr) -%}
  {#- the first line holding a character outside the whitespace set; one linear scan -#}
  nullif(regexp_extract({{ expr }}, '(?:^|\n)([^\n]*?[^{{ distill.ws_chars() }}][^\n]*)', 1), '')
{%- endmacro %}
{% macro spark__first_non_blank_line(expr) -%}
  nullif(regexp_extract({{ expr }}, {{ distill.java_regex("'(?:^|\n)([^\n]*?[^" ~ distill.ws_chars() ~ "][^\n]*)'") }}, 1), '')
{%- endmacro %}

{#- Every match of a pattern in a text, in order (a list of strings). -#}
{% macro regex_extract_all(expr, pattern) %}{{ return(adapter.dispatch('regex_extract_all', 'distill')(expr, pattern)) }}{% endmacro %}
{% macro default__regex_extract_all(expr, pattern) %}{{ distill._unsupported('regex_extract_all') }}{% endmacro %}
{% macro duckdb__regex_extract_all(expr, pattern) %}regexp_extract_all({{ expr }}, {{ pattern }}){% endmacro %}
{% macro spark__regex_extract_all(expr, pattern) %}regexp_extract_all({{ expr }}, {{ distill.java_regex(pattern) }}, 0){% endmacro %}

{#-
  An RE2 pattern, given as a SQL string literal, as a Spark SQL literal meaning the same to
  Java's regex engine: `\b` (Unicode-aware in Java 17) as an ASCII word boundary, `$` (which in
  Java also matches before a final line break) as the end of the text, and every backslash
  doubled, since Spark's string literals read backslash escapes. `full` anchors it at both ends
  (Spark's rlike searches).
  A `\b` next to what can only be a word character (before it: a word literal, class or group,
  not optional; after it: a word class, repeated at least once) is one lookaround: before one,
  "no word character behind"; after one, "none ahead". That is the same boundary, and Java's
  backtracking engine tries it at every position of every text several times faster than the
  general form (the secret patterns start with `\b`).
-#}
{% macro java_regex(pattern, full=false) -%}
  {%- set inner = pattern[1:-1] -%}
  {%- set word_class = '\\[(?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9_])+\\]' -%}
  {%- set inner = modules.re.sub('(' ~ word_class ~ '(?:\\{[1-9][0-9]*(?:,[0-9]*)?\\}|\\+)?)\\\\b', '\\1(?![A-Za-z0-9_])', inner) -%}
  {%- set inner = modules.re.sub('(?<!\\\\)((?:\\\\\\\\)*)\\\\b(?=(?:[A-Za-z0-9_]|' ~ word_class ~ '|\\(\\?:[A-Za-z0-9_]+(?:\\|[A-Za-z0-9_]+)*\\))(?![?*]|\\{0))', '\\1(?<![A-Za-z0-9_])', inner) -%}
  {%- set inner = modules.re.sub('(?<!\\\\)((?:\\\\\\\\)*)\\\\b', '\\1(?:(?<=\\\\w)(?!\\\\w)|(?<!\\\\w)(?=\\\\w))', inner) -%}
  {%- set inner = modules.re.sub('(?<!\\\\)((?:\\\\\\\\)*)\\$', '\\1\\\\z', inner) -%}
  {%- if full %}{% set inner = '^(?:' ~ inner ~ ')\\z' %}{% endif -%}
  '{{ inner | replace('\\', '\\\\') }}'
{%- endmacro %}

{#-
  True when `needle` occurs in `haystack` (a plain substring, no pattern). Spark's contains(),
  not instr(): instr counts characters and compares at every byte, contains() looks for the
  needle's first byte. The 41 literals of the secret prefilter over the 100K bench substrate's
  evidence texts (175 MB, Spark's noop sink, second run): 38.9 s with instr, 8.9 s with contains.
-#}
{% macro string_contains(haystack, needle) %}{{ return(adapter.dispatch('string_contains', 'distill')(haystack, needle)) }}{% endmacro %}
{% macro default__string_contains(haystack, needle) %}{{ distill._unsupported('string_contains') }}{% endmacro %}
{% macro duckdb__string_contains(haystack, needle) %}contains({{ haystack }}, {{ needle }}){% endmacro %}
{% macro spark__string_contains(haystack, needle) %}contains({{ haystack }}, {{ needle }}){% endmacro %}
