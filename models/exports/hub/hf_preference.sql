{#
  SPEC §5.1, the `preference` config of exports/hf/: the rows of preference_pairs in TRL's
  conversational preference format with an explicit prompt (a user turn; chosen and rejected
  are assistant turns, so DPOTrainer applies the chat template to each), with each pair's split.
#}
with

pairs as (
    select * from {{ ref('preference_pairs') }}
),

final as (
    select
        id,
        {{ distill.hub_split('task_id', 'rejected_run_id') }} as split,
        {{ distill.chat_turn('user', 'prompt') }} as prompt,
        {{ distill.chat_turn('assistant', 'chosen') }} as chosen,
        {{ distill.chat_turn('assistant', 'rejected') }} as rejected,
        chosen_score,
        rejected_score,
        chosen_run_id,
        rejected_run_id,
        task_id,
        reason,
        provenance,
        created_at
    from pairs
)

select * from final
