{#
  Connected components of a small graph, on any engine: the smallest node of each component
  as the label of every node in it. Neither engine's SQL can do it in one statement that both
  run (Spark's recursive CTEs take UNION ALL only, which never stops on a cycle), so the model
  that calls this iterates while it compiles: each step is a table of labels, each node taking
  the smallest label among itself and its neighbours and then the label of that label (pointer
  jumping, so a chain of n nodes settles in about log n steps), until a step changes nothing.
  Each step is one statement over the edges, which are few: only verified similarities.
#}

{#-
  SQL selecting (exporter, node, label) for every node of `edges` (a relation with exporter,
  id_a, id_b). Runs the steps in tables named after the calling model (`<model>__labels_a` and
  `_b`), which drop_component_step() removes in the model's post-hooks.
-#}
{% macro component_labels(edges) -%}
  {%- set empty = "select cast(null as string) as exporter, cast(null as string) as node, cast(null as string) as label where false" -%}
  {#- without --near-dup the graph is empty: no step runs (each is a statement, seconds on Spark) -#}
  {%- if not execute or not distill.near_dup_on() or load_relation(edges) is none -%}
    {{ return(empty) }}
  {%- endif -%}
  {%- set steps = distill.component_step_relations() -%}
  {%- set directed -%}
    select exporter, id_a as node, id_b as neighbour from {{ edges }}
    union all
    select exporter, id_b as node, id_a as neighbour from {{ edges }}
  {%- endset -%}
  {%- set first -%}
    select exporter, node, least(node, min(neighbour)) as label
    from ({{ directed }}) as directed
    group by exporter, node
  {%- endset -%}
  {% do distill.replace_work_table(steps[0], first) %}
  {%- set state = namespace(current=0, settled=false) -%}
  {%- for step in range(64) if not state.settled -%}
    {%- set source = steps[state.current] -%}
    {%- set target_ = steps[1 - state.current] -%}
    {%- set next_step -%}
      with
      spread as (
        select exporter, node, min(label) as label
        from (
          select exporter, node, label from {{ source }}
          union all
          select directed.exporter, directed.node, labels.label
          from ({{ directed }}) as directed
          inner join {{ source }} as labels
            on directed.exporter = labels.exporter and directed.neighbour = labels.node
        ) as offered
        group by exporter, node
      )
      select spread.exporter, spread.node, least(spread.label, jumped.label) as label
      from spread
      inner join spread as jumped
        on spread.exporter = jumped.exporter and spread.label = jumped.node
    {%- endset -%}
    {% do distill.replace_work_table(target_, next_step) %}
    {%- set changed = run_query(
        "select count(*) from " ~ target_ ~ " as new_labels inner join " ~ source ~ " as old_labels"
        ~ " on new_labels.exporter = old_labels.exporter and new_labels.node = old_labels.node"
        ~ " where new_labels.label <> old_labels.label").columns[0].values()[0] -%}
    {%- set state.current = 1 - state.current -%}
    {%- if changed == 0 %}{% set state.settled = true %}{% endif -%}
  {%- endfor -%}
  {%- if not state.settled -%}
    {{ exceptions.raise_compiler_error("distill: connected components did not settle in 64 steps") }}
  {%- endif -%}
  {{ return("select exporter, node, label from " ~ steps[state.current]) }}
{%- endmacro %}

{% macro component_step_relations() -%}
  {%- set names = [] -%}
  {%- for suffix in ['a', 'b'] -%}
    {%- do names.append(api.Relation.create(database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__labels_' ~ suffix, type='table')) -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{#- The post-hooks of a model that called component_labels(): its step tables removed. -#}
{% macro drop_component_step(index) -%}
  drop table if exists {{ distill.component_step_relations()[index] }}
{%- endmacro %}

{% macro replace_work_table(relation, sql) -%}
  {%- do run_query('drop table if exists ' ~ relation) -%}
  {%- do run_query('create table ' ~ relation ~ (' using parquet' if target.type == 'spark' else '') ~ ' as ' ~ sql) -%}
{%- endmacro %}
