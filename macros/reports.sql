{#
  The receipt counts of a run-level exporter (rag, sft), a whole model: rpt_rag_counts and
  rpt_sft_counts are this over their gated model. One row per count (SPEC §6 record_counts),
  `position` giving the receipt's key order: a count has a value and no key; a map has one
  header row (no key, no value), then one row per entry, keys sorted.
#}
{% macro exporter_counts(stage, gated) -%}
with

gated as (
    select
        category,
        reason
    from {{ ref(gated) }}
),

counts as (
    select 1 as position, 'in' as measure, null as key, count(*) as value from gated
    union all
    select 2, 'exported', null, count(*) filter (where reason is null) from gated
    union all
    select 3, 'quarantined', null, count(*) filter (where reason is not null) from gated
    union all
    select 4, 'by_reason', null, null
    union all
    select 4, 'by_reason', reason, count(*) from gated where reason is not null group by reason
    union all
    select 5, 'by_category', null, null
    union all
    select 5, 'by_category', category, count(*) from gated group by category
    union all
    select 6, 'exported_by_category', null, null
    union all
    select 6, 'exported_by_category', category, count(*) from gated where reason is null group by category
),

final as (
    select
        '{{ stage }}' as stage,
        cast(position as integer) as position,
        cast(measure as varchar) as measure,
        cast(key as varchar) as key,
        cast(value as bigint) as value
    from counts
)

select * from final
{%- endmacro %}
