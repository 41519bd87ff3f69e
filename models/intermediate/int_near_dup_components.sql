{{ config(
    materialized='table',
    post_hook=["{{ distill.drop_component_step(0) }}", "{{ distill.drop_component_step(1) }}"],
) }}
{#
  SPEC §4.3 near_duplicate, the verdicts: the connected components of the similarity graph
  (int_near_dup_edges), one row per row of an exporter that has at least one edge, with
  `kept_id`, the smallest id of its component (the row kept), and `highest_similarity`, its
  greatest Jaccard index to any row of its component, as text with four decimals, truncated.
  Rows of a component are similar only through edges (any other pair is below T), so the
  greatest is over its own edges. See macros/components.sql for how the components are found.
#}

with

edges as (
    select * from {{ ref('int_near_dup_edges') }}
),

labels as (
    {{ distill.component_labels(ref('int_near_dup_edges')) }}
),

incident as (
    select
        exporter,
        id_a as id,
        {{ distill.int_div('shared * 10000', 'total') }} as similarity_digits
    from edges
    union all
    select
        exporter,
        id_b as id,
        {{ distill.int_div('shared * 10000', 'total') }} as similarity_digits
    from edges
),

highest as (
    select
        exporter,
        id,
        max(similarity_digits) as similarity_digits
    from incident
    group by exporter, id
),

final as (
    select
        highest.exporter,
        highest.id,
        labels.label as kept_id,
        {{ distill.ratio_text('highest.similarity_digits', '10000') }} as highest_similarity
    from highest
    inner join labels
        on highest.exporter = labels.exporter and highest.id = labels.node
)

select * from final
