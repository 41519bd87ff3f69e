{# Nested values: structs (JSON objects on output) and JSON objects built from parts. #}

{#- A struct from (name, expression) pairs, keys in the given order. -#}
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
