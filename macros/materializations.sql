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
  {%- set target = this.incorporate(type='table') -%}
  {%- set language = model['language'] -%}
  {{ distill.replace_begin('table', drop_existing=language == 'python') }}
  {#- dbt submits a Python model only from a materialization's own statement -#}
  {% call statement('main', language=language) -%}
    {%- if language == 'python' -%}
      {{ create_table_as(False, target, compiled_code, language) }}
    {%- else -%}
      {{ distill.replace_as('table', target, compiled_code) }}
    {%- endif -%}
  {%- endcall %}
  {{ distill.replace_end() }}
  {{ return({'relations': [target]}) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
  {%- set target = this.incorporate(type='view') -%}
  {{ distill.replace_begin('view') }}
  {% call statement('main') -%}
    {{ distill.replace_as('view', target, compiled_code) }}
  {%- endcall %}
  {{ distill.replace_end() }}
  {{ return({'relations': [target]}) }}
{% endmaterialization %}

{#- The pre-hooks, and the old relation dropped inside the transaction when it is of another
    kind (or always, with drop_existing). -#}
{% macro replace_begin(kind, drop_existing=false) -%}
  {%- set existing = load_cached_relation(this) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {# BEGIN happens here #}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing is not none and (existing.type != kind or drop_existing) %}
    {{ adapter.drop_relation(existing) }}
  {%- endif %}
{%- endmacro %}

{#- The post-hooks around the commit. -#}
{% macro replace_end() -%}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
{%- endmacro %}

{% macro replace_as(kind, relation, compiled_code) -%}
create or replace {{ kind }} {{ relation }} as (
{{ compiled_code }}
)
{%- endmacro %}
