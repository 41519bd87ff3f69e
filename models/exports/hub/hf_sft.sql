{#
  SPEC §5.1, the `sft` config of exports/hf/: the rows of sft_samples in TRL's conversational
  prompt-completion format (the user turn holds the instruction, the assistant turn the
  response, so SFTTrainer computes the loss on the completion only), with each row's split.
  `context` (matrix and model) stays a column: it describes the run, and folding it into the
  prompt would teach a model to condition on a model name.
#}
with

sft as (
    select * from {{ ref('sft_samples') }}
),

final as (
    select
        id,
        {{ distill.hub_split('task_id', 'source_run_id') }} as split,
        {{ distill.chat_turn('user', 'instruction') }} as prompt,
        {{ distill.chat_turn('assistant', 'response') }} as completion,
        context,
        quality_score,
        source_run_id,
        task_id,
        tags,
        provenance,
        created_at
    from sft
)

select * from final
