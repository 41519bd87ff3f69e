{#- SPEC §4.1 --min-gap: 1 or 2; anything else stops the build before a row is read. -#}
{% macro preference_min_gap() -%}
  {%- set gap = var('preference_min_gap') | string -%}
  {%- if gap not in ['1', '2'] -%}
    {{ exceptions.raise_compiler_error("distill: preference_min_gap must be 1 or 2, got '" ~ gap ~ "'") }}
  {%- endif -%}
  {{- return(gap | int) -}}
{%- endmacro %}

{#- Boolean vars arrive as booleans from YAML or as strings from the command line. -#}
{% macro flag(name) -%}
  {{- return((var(name) | string | lower) in ['true', '1', 'yes']) -}}
{%- endmacro %}
