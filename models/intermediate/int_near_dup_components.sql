{{ config(
    materialized='table',
    post_hook=["{{ distill.drop_component_step(0) }}", "{{ distill.drop_component_step(1) }}"],
) }}
{#
  SPEC §4.3 near_duplicate, the components: the connected components of the similarity graph
  (int_near_dup_edges), one row per row of an exporter that has at least one edge, with
  `kept_id`, the smallest id of its component (the row kept). See macros/components.sql for
  how the components are found; int_near_dup_verdicts adds each row's highest similarity.
#}

with

labels as (
    {{ distill.component_labels(ref('int_near_dup_edges')) }}
),

final as (
    select
        exporter,
        node as id,
        label as kept_id
    from labels
)

select * from final
