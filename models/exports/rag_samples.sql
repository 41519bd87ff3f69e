{# SPEC §5 RAG rows: the runs int_rag_gated let through, in SPEC's key order. #}
with

gated as (
    select * from {{ ref('int_rag_gated') }}
    where reason is null
),

final as (
    select
        id,
        rag_title as title,
        text,
        category as success_score,
        task_type as source_category,
        run_id as source_run_id,
        task_id,
        tags,
        {{ distill.provenance_struct() }} as provenance,
        recorded_at as created_at
    from gated
)

select * from final
