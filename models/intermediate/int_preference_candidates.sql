{#
  SPEC §4.1 candidates: scored runs ranked accepted 3, partially_accepted 2, rejected 1, with
  evidence, a non-blank task_id (compared verbatim), complete provenance and non-blank text.
#}
with

runs as (
    select * from {{ ref('int_runs_joined') }}
),

final as (
    select
        *,
        case category
            when 'accepted' then 3
            when 'partially_accepted' then 2
            when 'rejected' then 1
        end as preference_rank
    from runs
    where
        category in ('accepted', 'partially_accepted', 'rejected')
        and has_evidence
        and not {{ distill.is_blank('task_id') }}
        and is_provenance_complete
        and not is_text_blank
)

select * from final
