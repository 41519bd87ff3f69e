{# SPEC §5 preference rows: the candidate pairs int_preference_pairs_gated let through. #}
with

gated as (
    select * from {{ ref('int_preference_pairs_gated') }}
    where reason is null
),

final as (
    select
        id,
        prompt,
        chosen_text as chosen,
        rejected_text as rejected,
        reason_text as reason,
        chosen_run_id,
        rejected_run_id,
        chosen_score,
        rejected_score,
        task_id,
        {{ distill.struct_of([
            ('chosen', distill.provenance_struct('chosen_', 'chosen_recorded_at')),
            ('rejected', distill.provenance_struct('rejected_', 'rejected_recorded_at')),
        ]) }} as provenance,
        {{ distill.format_utc('created_at_ts') }} as created_at
    from gated
)

select * from final
