{# SPEC §5 quarantine rows of the RAG exporter: every run int_rag_gated refused. #}
with

refused as (
    select * from {{ ref('int_rag_gated') }}
    where reason is not null
),

final as (
    select
        {{ distill.quarantine_id('rag', ['run_id']) }} as id,
        'rag' as exporter,
        reason,
        errors,
        run_id,
        {{ distill.json_object_of([('scored_run', 'score_record'), ('evidence', 'evidence_record')]) }} as source_record,
        {{ distill.source_provenance('score_input_file', 'score_input_line') }} as source_provenance
    from refused
)

select * from final
