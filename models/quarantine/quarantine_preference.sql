{# SPEC §5 quarantine rows of the preference exporter: every candidate pair refused. #}
with

refused as (
    select * from {{ ref('int_preference_pairs_gated') }}
    where reason is not null
),

final as (
    select
        {{ distill.quarantine_id('preference', ['rejected_run_id', 'chosen_run_id']) }} as id,
        'preference' as exporter,
        reason,
        errors,
        rejected_run_id as run_id,
        {{ distill.json_object_of([
            ('chosen', distill.json_object_of([('scored_run', 'chosen_score_record'), ('evidence', 'chosen_evidence_record')])),
            ('rejected', distill.json_object_of([('scored_run', 'rejected_score_record'), ('evidence', 'rejected_evidence_record')])),
        ]) }} as source_record,
        {{ distill.source_provenance('score_input_file', 'score_input_line') }} as source_provenance
    from refused
)

select * from final
