{#
  SPEC §5.1, the `rag` config of exports/hf/: the rows of rag_samples (a passage, its title, and
  the metadata a retrieval index filters on), with each row's split.
#}
with

rag as (
    select * from {{ ref('rag_samples') }}
),

final as (
    select
        id,
        {{ distill.hub_split('task_id', 'source_run_id') }} as split,
        title,
        text,
        success_score,
        source_category,
        source_run_id,
        task_id,
        tags,
        provenance,
        created_at
    from rag
)

select * from final
