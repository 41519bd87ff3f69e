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
