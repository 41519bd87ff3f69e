{#
  SPEC §4.1 candidates: scored runs ranked accepted 3, partially_accepted 2, rejected 1, with
  evidence, a non-blank task_id (compared verbatim), complete provenance and non-blank text,
  with what pairing and the pair gates read of them.
#}
with

runs as (
    select * from {{ ref('int_runs_joined') }}
),

evidence as (
    select
        line_id,
        text
    from {{ ref('stg_substrate__evidence') }}
),

final as (
    select
        runs.run_id,
        runs.task_id,
        runs.category,
        case runs.category
            when 'accepted' then 3
            when 'partially_accepted' then 2
            when 'rejected' then 1
        end as preference_rank,
        runs.rationale,
        runs.instruction,
        runs.is_instruction_blank,
        evidence.text,
        runs.prov_source_file,
        runs.prov_line,
        runs.prov_sig_hash,
        runs.prov_recorded_at,
        runs.recorded_at,
        runs.secrets_in_instruction,
        runs.secrets_in_text,
        runs.eval_in_instruction,
        runs.eval_in_text,
        runs.hallucinated_file_path_error,
        runs.score_input_file,
        runs.score_input_line,
        runs.score_line_id,
        runs.evidence_input_file,
        runs.evidence_input_line,
        runs.evidence_line_id
    from runs
    left join evidence
        on runs.evidence_line_id = evidence.line_id
    where
        runs.category in ('accepted', 'partially_accepted', 'rejected')
        and runs.has_evidence
        and not {{ distill.is_blank('runs.task_id') }}
        and runs.is_provenance_complete
        and not runs.is_text_blank
)

select * from final
