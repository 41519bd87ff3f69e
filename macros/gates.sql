{#
  How a gated model turns its gates into a verdict. Each gate is one column of the model,
  `<reason>_error`: the gate's message when the row fails it, null when it passes, so a gate's
  condition and its message cannot disagree.
#}

{#-
  SPEC §4: `reason` is the first failing gate in the order given, `errors` one message per
  failing gate, in the same order. Renders both columns.
-#}
{% macro gate_verdict(reasons) -%}
  {%- set error_columns = [] -%}
  {%- for reason in reasons %}{% do error_columns.append(reason ~ '_error') %}{% endfor -%}
  case
    {%- for reason in reasons %}
    when {{ reason }}_error is not null then '{{ reason }}'
    {%- endfor %}
  end as reason,
  {{ distill.compact_list(error_columns) }} as errors
{%- endmacro %}

{#-
  SPEC §4 gate 8 / §4.1 gate 5, the last gate: among the rows of `relation` that passed every
  other gate (reason null), the second and later rows with one export id are duplicates; the
  first by `order_by` (a list of columns unique per row) keeps it, and `owner` (an expression) names it in
  the message. Selects `columns` of `relation`, then `reason` and `errors` with this gate applied.
  The ids taken twice are found by a narrow GROUP BY and joined back: a window over the whole
  rows would sort every column of every row.
-#}
{% macro duplicate_id_gate(relation, columns, id_column, order_by, owner) -%}
  select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    case when is_duplicate then 'duplicate_id' else reason end as reason,
    case
      when is_duplicate then {{ distill.list_of(["'export id ' || " ~ id_column ~ " || ' is already taken by ' || id_owner"]) }}
      else errors
    end as errors
  from (
    select
      {{ relation }}.*,
      coalesce(reason is null and {{ distill.tuple_of(order_by) }} <> taken.first_key, false) as is_duplicate,
      taken.id_owner
    from {{ relation }}
    left join (
      select
        {{ id_column }},
        min({{ distill.tuple_of(order_by) }}) as first_key,
        min_by({{ owner }}, {{ distill.tuple_of(order_by) }}) as id_owner
      from {{ relation }}
      where reason is null
      group by {{ id_column }}
      having count(*) > 1
    ) as taken
      on {{ relation }}.{{ id_column }} = taken.{{ id_column }}
  ) as id_checked
{%- endmacro %}

{#-
  The eval_contaminated message of one row (SPEC §4.3), from (label, column) pairs, one per
  field the gate checks, each column int_eval_matches' message part for that field:
  `text contains eval item evals/qa.jsonl:17 "..."`; null when no field shares a sequence.
-#}
{% macro eval_error(fields) -%}
  nullif(concat_ws('; ',
    {%- for label, column in fields %}
    '{{ label }} contains ' || {{ column }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}), '')
{%- endmacro %}

{#-
  SPEC §4.3 near_duplicate, RAG/SFT gate 10, the last: a whole model over `checked` (every row
  with its verdict on the earlier gates). A row that passed them all and whose component of
  similar rows keeps another id fails, naming the kept id and its highest similarity. Without
  --near-dup the model is `checked` as it is.
-#}
{% macro near_duplicate_gate(checked, exporter) -%}
{#- without --near-dup, int_near_dup_verdicts is not built: nothing reads it -#}
-- depends_on: {{ ref('int_near_dup_verdicts') }}
with

checked as (
    select * from {{ ref(checked) }}
),

{%- if distill.near_dup_on() %}

components as (
    select * from {{ ref('int_near_dup_verdicts') }}
    where exporter = '{{ exporter }}'
),

final as (
    select
        {{ distill.star_except('checked', ['reason', 'errors']) }},
        case when components.id is not null then 'near_duplicate' else checked.reason end as reason,
        case
            when components.id is not null
                then {{ distill.list_of([
                    "'near-duplicate of ' || components.kept_id || ', which is kept: highest Jaccard similarity to its component '"
                    ~ " || components.highest_similarity || ' (threshold " ~ (var('near_dup_threshold', '0.8') | string | trim) ~ ")'"]) }}
            else checked.errors
        end as errors
    from checked
    left join components
        on checked.id = components.id and checked.reason is null and components.kept_id <> components.id
)
{%- else %}

final as (
    select * from checked
)
{%- endif %}

select * from final
{%- endmacro %}

{#-
  on-run-start: a quality gate a distill build runs without leaves no relation behind. distill
  leaves out the nodes of each tag in the var skipped_gate_tags (eval_gate, near_dup_gate) and
  the models that would read them read nothing in their place; an earlier build's tables of
  theirs, which would answer a query with another run's verdicts, are dropped here. The var is
  empty unless distill sets it: dbt's unit tests read the columns of these relations, and a
  plain `dbt build` builds them.
-#}
{% macro drop_skipped_gates() -%}
  {%- if execute -%}
    {%- set skipped = var('skipped_gate_tags', []) -%}
    {%- for node in graph.nodes.values() -%}
      {%- if node.resource_type == 'model' and node.tags | select('in', skipped) | list -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is not none %}{% do adapter.drop_relation(relation) %}{% endif -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro %}
