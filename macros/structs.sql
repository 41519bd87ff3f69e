{# Nested values: structs (JSON objects on output) and JSON objects built from parts. #}

{#- A struct from (name, expression) pairs, keys in the given order. -#}
{% macro struct_of(fields) %}{{ return(adapter.dispatch('struct_of', 'distill')(fields)) }}{% endmacro %}
{% macro default__struct_of(fields) %}{{ distill._unsupported('struct_of') }}{% endmacro %}
{% macro duckdb__struct_of(fields) -%}
  {{ '{' }}{%- for name, expr in fields -%}'{{ name }}': {{ expr }}{% if not loop.last %}, {% endif %}{%- endfor -%}{{ '}' }}
{%- endmacro %}
{% macro spark__struct_of(fields) -%}
  named_struct({%- for name, expr in fields -%}'{{ name }}', {{ expr }}{% if not loop.last %}, {% endif %}{%- endfor -%})
{%- endmacro %}

{#- A JSON object from (name, expression) fields, keys in the given order; a field marked
    'json' (name, expression, 'json') holds JSON and is embedded, not quoted. -#}
{% macro json_object_of(fields) %}{{ return(adapter.dispatch('json_object_of', 'distill')(fields)) }}{% endmacro %}
{% macro default__json_object_of(fields) %}{{ distill._unsupported('json_object_of') }}{% endmacro %}
{% macro duckdb__json_object_of(fields) -%}
  json_object({%- for field in fields -%}'{{ field[0] }}', {{ field[1] }}{% if not loop.last %}, {% endif %}{%- endfor -%})
{%- endmacro %}
{#- On Spark the object is JSON text: fields marked 'json' hold JSON text already (a record,
    null when absent) and are embedded as they are, the others are encoded by to_json. The writer
    reads it back through DuckDB's JSON type, which writes it in DuckDB's form. -#}
{% macro spark__json_object_of(fields) -%}
  concat('{', concat_ws(',',
  {%- for field in fields %}
    {%- if field | length > 2 and field[2] == 'json' %}
    concat('"{{ field[0] }}":', coalesce({{ field[1] }}, 'null'))
    {%- else %}
    substr(to_json(named_struct('{{ field[0] }}', {{ field[1] }})), 2, length(to_json(named_struct('{{ field[0] }}', {{ field[1] }}))) - 2)
    {%- endif %}
    {%- if not loop.last %},{% endif %}
  {%- endfor %}), '}')
{%- endmacro %}
