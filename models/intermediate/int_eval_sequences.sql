{{ config(materialized='table') }}
{#
  SPEC §4.3 protected sequences: each eval text's tokens; fewer than 8 protect nothing, 8 to
  12 protect the whole sequence, more protect each 13-window. One row per sequence and the eval
  line it comes from, with `anchor_code`, the hash of its first 8 tokens: every protected
  sequence is at least 8 tokens long, so a text that holds one has a window of 8 tokens with that
  code, and int_eval_matches probes 8-windows only. Empty unless --eval-set is given.
#}
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
        {{ distill.list_slice('texts.codes', 'starts.window_start', '8') }} as anchor_codes
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
        {{ distill.list_at(distill.window_codes('anchor_codes', 8), 1) }} as anchor_code
    from windows
)

select * from final
