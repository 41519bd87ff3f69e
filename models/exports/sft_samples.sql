{#
  SPEC §5 SFT rows: the runs int_sft_gated let through, in SPEC's key order. A view, as
  rag_samples is and for the same reason: the writer's COPY joins the texts in as it writes.
#}
{{ config(materialized=distill.written_from('view')) }}
with

gated as (
    select * from {{ ref('int_sft_gated') }}
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
        gated.instruction,
        gated.sft_context as context,
        evidence.text as response,
        gated.category as quality_score,
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
