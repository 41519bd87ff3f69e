{#
  SPEC §5 quarantine rows of the preference exporter: every candidate pair refused, with both
  sides' joined input (scored-run and evidence records, fetched by line key).
#}
with

refused as (
    select * from {{ ref('int_preference_pairs_gated') }}
    where reason is not null
),

{# whole records are read from the framed lines by key, for the refused pairs only #}
lines as (
    {{ distill.input_lines(
        'select chosen_score_line_id from refused union all select chosen_evidence_line_id from refused
        union all select score_line_id from refused union all select rejected_evidence_line_id from refused') }}
),

final as (
    select
        {{ distill.quarantine_id('preference', ['refused.rejected_run_id', 'refused.chosen_run_id']) }} as id,
        'preference' as exporter,
        refused.reason,
        refused.errors,
        refused.rejected_run_id as run_id,
        {{ distill.json_object_of([
            ('chosen', distill.json_object_of([
                ('scored_run', distill.line_record('chosen_score.raw'), 'json'),
                ('evidence', distill.line_record('chosen_evidence.raw'), 'json')]), 'json'),
            ('rejected', distill.json_object_of([
                ('scored_run', distill.line_record('rejected_score.raw'), 'json'),
                ('evidence', distill.line_record('rejected_evidence.raw'), 'json')]), 'json'),
        ]) }} as source_record,
        {{ distill.source_provenance('refused.score_input_file', 'refused.score_input_line') }} as source_provenance
    from refused
    left join lines as chosen_score
        on refused.chosen_score_line_id = chosen_score.line_id
    left join lines as chosen_evidence
        on refused.chosen_evidence_line_id = chosen_evidence.line_id
    left join lines as rejected_score
        on refused.score_line_id = rejected_score.line_id
    left join lines as rejected_evidence
        on refused.rejected_evidence_line_id = rejected_evidence.line_id
)

select * from final
