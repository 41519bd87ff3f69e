{{ config(materialized='table') }}
{#
  SPEC §4.3 protected sequences: each eval text's tokens; fewer than 8 protect nothing, 8 to
  12 protect the whole sequence, more protect each 13-window. One row per sequence and the eval
  line it comes from, with `anchor_codes`, the hash codes of every window of the sequence
  that int_eval_matches probes with (eval_probe: 6 tokens long, probed at every third token of
  a field). A sequence has at least 8 tokens, so at least 3 such windows, one at each of 3
  consecutive places: wherever it sits in a field, one of them starts at a probed place.
  Empty unless --eval-set is given.
#}
{%- set probe = distill.eval_probe() %}

with

texts as (
    select
        eval_file,
        eval_line,
        text_index,
        {{ distill.text_tokens('text') }} as tokens
    from {{ ref('stg_eval__texts') }}
),

coded as (
    select
        *,
        {{ distill.token_codes('tokens') }} as codes
    from texts
),

windows as (
    select
        texts.eval_file,
        texts.eval_line,
        texts.text_index,
        starts.window_start,
        {{ distill.list_slice('texts.tokens', 'starts.window_start', 'least(' ~ distill.list_len('texts.tokens') ~ ' - starts.window_start, 13)') }} as sequence_tokens,
        {{ distill.list_slice('texts.codes', 'starts.window_start', 'least(' ~ distill.list_len('texts.codes') ~ ' - starts.window_start, 13)') }} as sequence_codes
    from coded as texts
    {{ distill.cross_join_unnest(distill.int_range('0', 'greatest(' ~ distill.list_len('texts.tokens') ~ ' - 13, 0) + 1'), 'starts', 'window_start') }}
    where {{ distill.list_len('texts.tokens') }} >= 8
),

final as (
    select
        eval_file,
        eval_line,
        text_index,
        window_start,
        {{ distill.list_join('sequence_tokens', "' '") }} as sequence,
        {{ distill.window_codes('sequence_codes', probe.width) }} as anchor_codes
    from windows
)

select * from final
