{# SPEC §4 gate 6: which file_refs entries are unsafe, and how one is looked up in the manifest. #}

{#-
  SPEC §4 unsafe path: blank, starts with / or ~ or a drive letter, has a `..` segment
  (between slashes or at either end), or holds a backslash or a control character.
-#}
{% macro is_unsafe_path(expr) -%}
  ({{ distill.is_blank(expr) }}
   or {{ distill.regex_search(expr, "'^[/~]|^[A-Za-z]:|(^|/)\\.\\.(/|$)|[\\\\\\x00-\\x1f\\x7f]'") }})
{%- endmacro %}

{#- SPEC §2.3: one leading './' is removed before a file_refs entry is looked up. -#}
{% macro manifest_key(expr) -%}
  case when left({{ expr }}, 2) = './' then substr({{ expr }}, 3) else {{ expr }} end
{%- endmacro %}
