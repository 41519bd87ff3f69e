{{ config(tags=['eval_gate']) }}
{#
  SPEC §4.3 eval_contaminated: no exported row carries a protected sequence of the eval set in
  a field its exporter checks. The fields are stated here, in SQL, not read from the gates:
  RAG the title and the text, SFT the instruction and the text, preference the prompt (the
  chosen run's instruction) and both texts. Which record holds which sequence comes from
  int_eval_matches. Returns each exported row with such a field.
#}
with

runs as (
    select
        run_id,
        eval_in_title,
        eval_in_instruction,
        eval_in_text
    from {{ ref('int_runs_joined') }}
    where coalesce(eval_in_title, eval_in_instruction, eval_in_text) is not null
),

rag as (
    select
        'rag' as exporter,
        exported.id,
        coalesce('title: ' || runs.eval_in_title, 'text: ' || runs.eval_in_text) as contaminated
    from {{ ref('rag_samples') }} as exported
    inner join runs
        on exported.source_run_id = runs.run_id
    where runs.eval_in_title is not null or runs.eval_in_text is not null
),

sft as (
    select
        'sft' as exporter,
        exported.id,
        coalesce('instruction: ' || runs.eval_in_instruction, 'text: ' || runs.eval_in_text) as contaminated
    from {{ ref('sft_samples') }} as exported
    inner join runs
        on exported.source_run_id = runs.run_id
    where runs.eval_in_instruction is not null or runs.eval_in_text is not null
),

preference as (
    select
        'preference' as exporter,
        exported.id,
        coalesce(
            'prompt: ' || chosen.eval_in_instruction, 'chosen: ' || chosen.eval_in_text, 'rejected: ' || rejected.eval_in_text
        ) as contaminated
    from {{ ref('preference_pairs') }} as exported
    left join runs as chosen
        on exported.chosen_run_id = chosen.run_id
    left join runs as rejected
        on exported.rejected_run_id = rejected.run_id
    where chosen.eval_in_instruction is not null or chosen.eval_in_text is not null or rejected.eval_in_text is not null
),

final as (
    select * from rag
    union all
    select * from sft
    union all
    select * from preference
)

select * from final
