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
scores as (
    {{ distill.input_lines('scored',
        'select chosen_score_input_file, chosen_score_input_line from refused
        union all select score_input_file, score_input_line from refused') }}
),

evidence as (
    {{ distill.input_lines('evidence',
        'select chosen_evidence_input_file, chosen_evidence_input_line from refused
        union all select rejected_evidence_input_file, rejected_evidence_input_line from refused') }}
),

final as (
    select
        {{ distill.quarantine_id('preference', ['refused.rejected_run_id', 'refused.chosen_run_id']) }} as id,
        'preference' as exporter,
        refused.reason,
        refused.errors,
        refused.rejected_run_id as run_id,
        {{ distill.json_object_of([
            ('chosen', distill.json_object_of([('scored_run', distill.line_record('chosen_score.raw')), ('evidence', distill.line_record('chosen_evidence.raw'))])),
            ('rejected', distill.json_object_of([('scored_run', distill.line_record('rejected_score.raw')), ('evidence', distill.line_record('rejected_evidence.raw'))])),
        ]) }} as source_record,
        {{ distill.source_provenance('refused.score_input_file', 'refused.score_input_line') }} as source_provenance
    from refused
    left join scores as chosen_score
        on
            refused.chosen_score_input_file = chosen_score.input_file
            and refused.chosen_score_input_line = chosen_score.input_line
    left join evidence as chosen_evidence
        on
            refused.chosen_evidence_input_file = chosen_evidence.input_file
            and refused.chosen_evidence_input_line = chosen_evidence.input_line
    left join scores as rejected_score
        on
            refused.score_input_file = rejected_score.input_file
            and refused.score_input_line = rejected_score.input_line
    left join evidence as rejected_evidence
        on
            refused.rejected_evidence_input_file = rejected_evidence.input_file
            and refused.rejected_evidence_input_line = rejected_evidence.input_line
)

select * from final
