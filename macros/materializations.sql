{#-
  DuckDB's table and view in one statement each: `create or replace`, inside the node's
  transaction. dbt's own (dbt-duckdb's table, dbt-core's view) build a `__dbt_tmp` relation,
  look for indexes, rename the old relation to `__dbt_backup`, rename the new one into place,
  commit and drop the backup: seven statements and their Jinja for every model, about 40 ms of
  a node on the sample whatever the data (docs/performance-history.md). DuckDB replaces a
  relation atomically within a transaction, so nothing they guard against can happen here: a
  failed statement rolls back and leaves the old relation whole. What they offer that distill
  does not use is left out: grants, indexes, foreign keys, contracts, persisted docs,
  partitioning. A relation of the other kind (a view where a table is built now, or the
  reverse) is dropped first; so is the old table of the one Python model (the framing), whose
  `create table` dbt-duckdb writes. Spark keeps dbt-spark's materializations.
-#}
{% materialization table, adapter='duckdb', supported_languages=['sql', 'python'] %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set target = this.incorporate(type='table') -%}
  {%- set language = model['language'] -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {# BEGIN happens here #}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing is not none and (existing.type != 'table' or language == 'python') %}
    {{ adapter.drop_relation(existing) }}
  {%- endif %}
  {#- dbt submits a Python model only from a materialization's own statement -#}
  {% call statement('main', language=language) -%}
    {%- if language == 'python' -%}
      {{ create_table_as(False, target, compiled_code, language) }}
    {%- else -%}
      {{ distill.replace_as('table', target, compiled_code) }}
    {%- endif -%}
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target]}) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set target = this.incorporate(type='view') -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing is not none and existing.type != 'view' %}
    {{ adapter.drop_relation(existing) }}
  {%- endif %}
  {% call statement('main') -%}
    {{ distill.replace_as('view', target, compiled_code) }}
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target]}) }}
{% endmaterialization %}

{% macro replace_as(kind, relation, compiled_code) -%}
create or replace {{ kind }} {{ relation }} as (
{{ compiled_code }}
)
{%- endmacro %}
