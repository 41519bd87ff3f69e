{{ config(materialized='table') }}
{#
  SPEC §4.3 tokens, as the engine's 64-bit hash codes, of the fields the quality gates read:
  one row per scored run's canonical evidence record, the codes of its title's, instruction's
  and text's tokens in order (null where the field is null). Tokenizing is most of both gates'
  cost (a regex pass, about 150 ns a token), so each text is tokenized once: the eval gate
  (int_eval_matches) probes every record's fields from here, and the near-dup gate
  (int_near_dup_sets) shingles its rows' texts from here when the eval gate is on. Without
  --eval-set it is empty (distill leaves it out), and the near-dup gate tokenizes its own
  rows, fewer than every record.
#}
{%- set eval_on = distill.eval_gate_on() %}

with

scored as (
    select distinct run_id from {{ ref('int_scores_resolved') }}
),

canonical as (
    select deduplicated.line_id
    from {{ ref('int_evidence_deduplicated') }} as deduplicated
    inner join scored
        on deduplicated.run_id = scored.run_id
    where deduplicated.is_canonical
),

tokenized as (
    select
        staged.line_id,
        {{ distill.text_tokens('staged.title') }} as title_tokens,
        {{ distill.text_tokens('staged.instruction') }} as instruction_tokens,
        {{ distill.text_tokens('staged.text') }} as text_tokens
    from {{ ref('stg_substrate__evidence') }} as staged
    inner join canonical
        on staged.line_id = canonical.line_id
    {%- if not eval_on %}
        where false
    {%- endif %}
),

final as (
    select
        line_id,
        {{ distill.token_codes('title_tokens') }} as title_codes,
        {{ distill.token_codes('instruction_tokens') }} as instruction_codes,
        {{ distill.token_codes('text_tokens') }} as text_codes
    from tokenized
)

select * from final
