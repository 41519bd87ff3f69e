{#
  Receipt counts (SPEC §6 record_counts) as rows, for the rpt_*_counts models: one row per
  count, `position` giving the receipt's key order. A count has a value and no key; a map has
  one header row (no key, no value, so an empty map still shows) and then one row per entry.
#}

{#-
  The final CTEs of a counts model, from two CTEs the model defines: `scalars` (a `stage`
  column, then a column `count_<measure>` per count; a null is left out, as the count of
  another stage)
  and `maps` (stage, measure, key, value). `measures` lists (measure, kind) pairs in receipt
  order, kind `count` or `map`. Ends the model.
-#}
{% macro counts_as_rows(measures) -%}
counted as (
    {%- for measure, kind in measures %}
    {%- set position = loop.index %}
    {%- if kind == 'count' %}
    select stage, {{ position }} as position, '{{ measure }}' as measure, null as key, count_{{ measure }} as value
    from scalars
    where count_{{ measure }} is not null
    {%- else %}
    select stage, {{ position }} as position, '{{ measure }}' as measure, null as key, null as value
    from scalars
    union all
    select stage, {{ position }} as position, measure, key, value
    from maps
    where measure = '{{ measure }}'
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        cast(stage as string) as stage,
        cast(position as integer) as position,
        cast(measure as string) as measure,
        cast(key as string) as key,
        cast(value as bigint) as value
    from counted
)

select * from final
{%- endmacro %}

{#- One map of a counts model: rows (stage, measure, key, value) counting `relation` by `key`. -#}
{% macro map_counts(stage, measure, key, relation, where='true') -%}
    select '{{ stage }}' as stage, '{{ measure }}' as measure, {{ key }} as key, count(*) as value
    from {{ relation }}
    where {{ where }}
    group by {{ key }}
{%- endmacro %}

{#- The counts model of a run-level exporter (rag, sft) over its gated model: a whole model. -#}
{% macro exporter_counts(stage, gated) -%}
with

gated as (
    select
        category,
        reason
    from {{ ref(gated) }}
),

scalars as (
    select
        '{{ stage }}' as stage,
        count(*) as count_in,
        count(*) filter (where reason is null) as count_exported,
        count(*) filter (where reason is not null) as count_quarantined
    from gated
),

maps as (
    {{ distill.map_counts(stage, 'by_reason', 'reason', 'gated', 'reason is not null') }}
    union all
    {{ distill.map_counts(stage, 'by_category', 'category', 'gated') }}
    union all
    {{ distill.map_counts(stage, 'exported_by_category', 'category', 'gated', 'reason is null') }}
),

{{ distill.counts_as_rows([
    ('in', 'count'), ('exported', 'count'), ('quarantined', 'count'),
    ('by_reason', 'map'), ('by_category', 'map'), ('exported_by_category', 'map'),
]) }}
{%- endmacro %}
