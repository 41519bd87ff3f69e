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
  the token strings (a collision of codes adds nothing). Empty unless --eval-set is given.
#}
{%- set eval_on = distill.eval_gate_on() %}
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

{# read three times below, and inlined each time: materialized, it held every text in memory #}
evidence as {{ distill.not_materialized() }} (
    select
        staged.line_id,
        staged.title,
        staged.instruction,
        staged.text
    from {{ ref('stg_substrate__evidence') }} as staged
    inner join canonical
        on staged.line_id = canonical.line_id
    {%- if not eval_on %}
        where false
    {%- endif %}
),

fields as (
    select
        line_id,
        'title' as field,
        title as body
    from evidence
    where title is not null
    union all
    select
        line_id,
        'instruction' as field,
        instruction as body
    from evidence
    where instruction is not null
    union all
    select
        line_id,
        'text' as field,
        text as body
    from evidence
    where text is not null
),

tokenized as (
    select
        line_id,
        field,
        {{ distill.text_tokens('body') }} as tokens
    from fields
),

coded as (
    select
        line_id,
        field,
        {{ distill.token_codes('tokens') }} as token_codes
    from tokenized
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

{# a hit's field read again from the staged record (not from `fields`: a CTE read twice is
   materialized, every text of every record in it) and tokenized again, as one string of
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
