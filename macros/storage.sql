{#- Store the table a model creates with one compression method: a pre-hook. With none, a
    post-hook outside the transaction: store what is still in memory (DuckDB compresses a small
    table when it checkpoints, not when it inserts), then give the choice back to the engine.
    Engines without such a setting store as they do. -#}
{% macro force_compression(method) %}{{ return(adapter.dispatch('force_compression', 'distill')(method)) }}{% endmacro %}
{% macro default__force_compression(method) %}{% endmacro %}
{% macro duckdb__force_compression(method) -%}
  {%- if method is none -%}checkpoint; reset force_compression{%- else -%}set force_compression = '{{ method }}'{%- endif -%}
{%- endmacro %}

{#-
  The materialization of a relation distill's writer reads: what the model asks for on DuckDB,
  always a table on Spark, where the writer reads the tables' Parquet files with DuckDB (a
  Spark view has no file to read).
-#}
{% macro written_from(materialization) -%}
  {{- return('table' if target.type == 'spark' else materialization) -}}
{%- endmacro %}
