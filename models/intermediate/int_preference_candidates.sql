{#
  SPEC §4.1 candidates: scored runs ranked accepted 3, partially_accepted 2, rejected 1, with
  evidence, a non-blank task_id (compared verbatim), complete provenance and non-blank text.
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
        runs.*,
        evidence.text,
        case runs.category
            when 'accepted' then 3
            when 'partially_accepted' then 2
            when 'rejected' then 1
        end as preference_rank
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
