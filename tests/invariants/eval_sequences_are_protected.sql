{{ config(tags=['eval_gate']) }}
{#
  SPEC §4.3: the eval gate protects exactly what SPEC says, nothing shorter. Each sequence
  int_eval_sequences protects is, recomputed from its eval text's tokens, either the whole
  sequence of a text of 8 to 12 tokens, or 13 consecutive tokens of a longer one. A sequence
  of 12 tokens cut from a long text (a 12-window) would refuse the near misses that SPEC lets
  through. Returns each sequence that is not protected.
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

joined as (
    select
        sequences.eval_file,
        sequences.eval_line,
        sequences.text_index,
        sequences.window_start,
        sequences.sequence,
        {{ distill.list_len('texts.tokens') }} as text_tokens,
        {{ distill.list_len(distill.regex_extract_all('sequences.sequence', "'[^ ]+'")) }} as sequence_tokens,
        ' ' || {{ distill.list_join('texts.tokens', "' '") }} || ' ' as spaced_text
    from {{ ref('int_eval_sequences') }} as sequences
    left join texts
        on
            sequences.eval_file = texts.eval_file
            and sequences.eval_line = texts.eval_line
            and sequences.text_index = texts.text_index
),

final as (
    select
        eval_file,
        eval_line,
        text_index,
        window_start,
        sequence,
        text_tokens,
        sequence_tokens
    from joined
    where not coalesce(
        (text_tokens between 8 and 12 and spaced_text = ' ' || sequence || ' ')
        or (text_tokens >= 13 and sequence_tokens = 13 and {{ distill.string_contains('spaced_text', "' ' || sequence || ' '") }}),
        false
    )
)

select * from final
