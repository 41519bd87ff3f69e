{#
  Seeds on Spark. dbt-spark's seed loader renders every cell into an INSERT without escaping:
  an empty cell becomes 'None', a backslash is dropped (the secret patterns' `\b` with it), an
  apostrophe breaks the statement. On Spark a seed is instead read by Spark's own CSV reader,
  with the options that read a cell as dbt-duckdb's COPY does (quotes doubled, no escapes, an
  empty cell is null), each column cast to its `column_types` entry.
#}
{% materialization seed, adapter='spark' %}
  {%- set target_relation = api.Relation.create(
      database=database, schema=schema, identifier=model['alias'], type='table') -%}
  {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
  {%- set agate_table = load_agate_table() -%}
  {%- set column_types = config.get('column_types', {}) -%}
  {{ run_hooks(pre_hooks) }}
  {% call statement('drop', fetch_result=false) -%}
    drop table if exists {{ target_relation }}
  {%- endcall %}
  {% call statement('main') -%}
    create table {{ target_relation }} using parquet as
    select
      {%- for column in agate_table.column_names %}
      cast(`{{ column }}` as {{ distill.spark_type(column_types.get(column, 'varchar')) }}) as `{{ column }}`
      {%- if not loop.last %},{% endif %}
      {%- endfor %}
    from csv.`{{ path }}`
      with ('header' = 'true', 'escape' = '"', 'multiLine' = 'true', 'mode' = 'FAILFAST',
            'inferSchema' = 'false', 'encoding' = 'UTF-8')
  {%- endcall %}
  {{ run_hooks(post_hooks) }}
  {% do persist_docs(target_relation, model) %}
  {% do store_result('agate_table', response='OK', agate_table=agate_table) %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- A seed's column type, written for DuckDB, in Spark's words. -#}
{% macro spark_type(sql_type) -%}
  {{- return({'varchar': 'string', 'boolean': 'boolean', 'integer': 'int', 'bigint': 'bigint'}.get(sql_type | lower, sql_type)) -}}
{%- endmacro %}

{#-
  Unit test fixtures on Spark. dbt renders a fixture value by casting it to the column's type;
  dbt-spark casts a list (a YAML list, or the DuckDB list text some fixtures hold as a string)
  by its Python text, which Spark cannot read. A YAML list becomes array(...), and a list or
  struct given as a string is read as JSON (DuckDB's list text, with its single quotes and raw
  control characters, is JSON to Spark's lenient reader), so the same fixtures serve both engines.
-#}
{% macro spark__safe_cast(field, type) -%}
  {%- set complex = type.lower().startswith(('array', 'struct', 'map')) -%}
  {%- if field is not string and field is iterable and field is not mapping -%}
    {%- set items = [] -%}
    {%- for item in field -%}
      {%- if item is none %}{% do items.append('null') -%}
      {%- elif item is string %}{% do items.append(dbt.string_literal(dbt.escape_single_quotes(item))) -%}
      {%- else %}{% do items.append(item | string) %}{% endif -%}
    {%- endfor -%}
    cast(array({{ items | join(', ') }}) as {{ type }})
  {%- elif complex and field is string and field not in ('null', 'NULL') -%}
    from_json({{ field }}, '{{ type }}', map('allowUnquotedControlChars', 'true'))
  {%- else -%}
    cast({{ field }} as {{ type }})
  {%- endif -%}
{%- endmacro %}

{#- dbt-spark escapes a quote in a string literal but not a backslash, which Spark's literals
    read as an escape: a fixture's '\xFF' arrived as 'xFF'. Both are escaped here. -#}
{% macro spark__escape_single_quotes(expression) -%}
  {{ expression | replace('\\', '\\\\') | replace("'", "\\'") }}
{%- endmacro %}
