{{ config(materialized='table') }}
{#
  SPEC §4.3 eval_contaminated, the facts: for each scored run's canonical evidence record and
  each field a gate checks (title, instruction, text), the first protected sequence of the eval
  set that appears in it as consecutive tokens, by eval file, line, text and window. One row per
  record with a contaminated field; each field's column is the message part naming the eval
  line and quoting the shared window (at most 200 code points), null when the field is clean.

  Exact: a field's windows at every probed place (eval_probe) are joined by hash code to every
  such window of every sequence; a sequence the field holds has one of its windows at a probed
  place, and equal windows have equal codes, so no sequence is missed. Every hit is verified on
  the token strings (a collision of codes adds nothing). Empty unless --eval-set is given
  (int_evidence_token_codes is empty then).
#}
{%- set probe = distill.eval_probe() %}

with

sequences as (
    select * from {{ ref('int_eval_sequences') }}
),

{# one row per window of a sequence that a probe can meet (a select-list unnest) #}
anchors as (
    select
        eval_file,
        eval_line,
        text_index,
        window_start,
        sequence,
        {{ distill.unnest_list('anchor_codes') }} as anchor_code
    from sequences
),

{# each field's token codes, tokenized once for both gates; the table is read three times,
   not through one CTE, which DuckDB would hold whole in memory #}
coded as (
    select
        line_id,
        'title' as field,
        title_codes as token_codes
    from {{ ref('int_evidence_token_codes') }}
    where title_codes is not null
    union all
    select
        line_id,
        'instruction' as field,
        instruction_codes as token_codes
    from {{ ref('int_evidence_token_codes') }}
    where instruction_codes is not null
    union all
    select
        line_id,
        'text' as field,
        text_codes as token_codes
    from {{ ref('int_evidence_token_codes') }}
    where text_codes is not null
),

{# the hash codes of the windows at every probed place of every field; the tokens are not kept #}
windowed as (
    select
        line_id,
        field,
        {{ distill.window_codes('token_codes', probe.width, probe.step) }} as codes
    from coded
),

probes as (
    select
        windowed.line_id,
        windowed.field,
        windows.code
    from windowed
    {{ distill.cross_join_unnest('windowed.codes', 'windows', 'code') }}
),

hits as (
    select distinct
        probes.line_id,
        probes.field,
        anchors.eval_file,
        anchors.eval_line,
        anchors.text_index,
        anchors.window_start,
        anchors.sequence
    from probes
    inner join anchors
        on probes.code = anchors.anchor_code
),

{# a hit's field read again from the staged record and tokenized again, as one string of
   tokens, to compare tokens, not codes #}
hit_fields as (
    select
        hits.*,
        case hits.field
            when 'title' then staged.title
            when 'instruction' then staged.instruction
            else staged.text
        end as body
    from hits
    inner join {{ ref('stg_substrate__evidence') }} as staged
        on hits.line_id = staged.line_id
),

verified as (
    select
        *,
        row_number() over (
            partition by line_id, field
            order by eval_file, eval_line, text_index, window_start
        ) as place
    from hit_fields
    where {{ distill.string_contains(
        "' ' || " ~ distill.list_join(distill.text_tokens('body'), "' '") ~ " || ' '",
        "' ' || sequence || ' '") }}
),

messages as (
    select
        line_id,
        field,
        'eval item ' || eval_file || ':' || cast(eval_line as string)
        || ' "' || {{ distill.left_chars('sequence', 200) }} || '"' as message
    from verified
    where place = 1
),

final as (
    select
        line_id,
        max(case when field = 'title' then message end) as eval_in_title,
        max(case when field = 'instruction' then message end) as eval_in_instruction,
        max(case when field = 'text' then message end) as eval_in_text
    from messages
    group by line_id
)

select * from final
