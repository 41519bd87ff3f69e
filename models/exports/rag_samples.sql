{#
  SPEC §5 RAG rows: the runs int_rag_gated let through, in SPEC's key order.
  A view: the writer's COPY reads it once, joining the texts in as it writes. As a table, its
  texts were compressed and stored only to be read back once (docs/performance.md).
#}
{{ config(materialized=distill.written_from('view')) }}
with

gated as (
    select * from {{ ref('int_rag_gated') }}
    where reason is null
),

{# the texts stay in the staged table until the rows that are written need them #}
evidence as (
    select
        line_id,
        text
    from {{ ref('stg_substrate__evidence') }}
),

final as (
    select
        gated.id,
        gated.rag_title as title,
        evidence.text,
        gated.category as success_score,
        gated.task_type as source_category,
        gated.run_id as source_run_id,
        gated.task_id,
        gated.tags,
        {{ distill.provenance_struct('gated.prov_', 'gated.recorded_at') }} as provenance,
        gated.recorded_at as created_at
    from gated
    inner join evidence
        on gated.evidence_line_id = evidence.line_id
)

select * from final
