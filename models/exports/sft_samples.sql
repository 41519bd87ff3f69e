{# SPEC §5 SFT rows: the runs int_sft_gated let through, in SPEC's key order. #}
with

gated as (
    select * from {{ ref('int_sft_gated') }}
    where reason is null
),

final as (
    select
        id,
        instruction,
        sft_context as context,
        text as response,
        category as quality_score,
        run_id as source_run_id,
        task_id,
        tags,
        {{ distill.provenance_struct() }} as provenance,
        recorded_at as created_at
    from gated
)

select * from final
