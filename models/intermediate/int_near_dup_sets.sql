{{ config(materialized='table') }}
{#
  SPEC §4.3 near_duplicate, the sets: one row per RAG and SFT row that passed every earlier
  gate, with its shingles' hash codes (the 5-windows of its tokens; the one window of all of
  them when it has fewer than 5) as a sorted list of distinct codes. RAG rows are shingled from
  `text`, SFT rows from the instruction's tokens followed by the text's; each text is tokenized
  once for both exporters. `row_key` numbers the rows in (exporter, id) order, so the smallest
  key of a group of one exporter's rows is its smallest id, and the joins after this one
  compare integers, not 64-character ids. Each text's tokens are hashed as the eval gate
  hashes them, and taken from it when it is on (int_evidence_token_codes): the same codes
  either way. Empty unless --near-dup is given.
#}
{%- set near_dup_on = distill.near_dup_on() %}

with

passed as (
    select
        'rag' as exporter,
        id,
        evidence_line_id
    from {{ ref('int_rag_checked') }}
    where reason is null
    union all
    select
        'sft' as exporter,
        id,
        evidence_line_id
    from {{ ref('int_sft_checked') }}
    where reason is null
),

rows_to_shingle as (
    select * from passed
    {%- if not near_dup_on %}
        where false
    {%- endif %}
),

wanted as (
    select distinct evidence_line_id from rows_to_shingle
),

{# each text's token codes: from int_evidence_token_codes when the eval gate made them (for
   every record), else tokenized here (only the texts of the rows to shingle). Both are
   rendered, so that the parse records the same refs and macros whatever the options. #}
{%- set shared_codes %}
        select
            shared.line_id,
            shared.text_codes,
            shared.instruction_codes
        from {{ ref('int_evidence_token_codes') }} as shared
        inner join wanted
            on shared.line_id = wanted.evidence_line_id
{%- endset %}
{%- set own_codes %}
        select
            line_id,
            {{ distill.token_codes('text_tokens') }} as text_codes,
            {{ distill.token_codes('instruction_tokens') }} as instruction_codes
        from (
            select
                staged.line_id,
                {{ distill.text_tokens('staged.text') }} as text_tokens,
                {{ distill.text_tokens('staged.instruction') }} as instruction_tokens
            from {{ ref('stg_substrate__evidence') }} as staged
            inner join wanted
                on staged.line_id = wanted.evidence_line_id
        ) as tokenized
{%- endset %}
texts as (
    {{- shared_codes if distill.eval_gate_on() else own_codes }}
),

coded as (
    select
        rows_to_shingle.exporter,
        rows_to_shingle.id,
        case
            when rows_to_shingle.exporter = 'sft' and texts.instruction_codes is not null
                then {{ distill.list_concat('texts.instruction_codes', 'texts.text_codes') }}
            else texts.text_codes
        end as token_codes
    from rows_to_shingle
    inner join texts
        on rows_to_shingle.evidence_line_id = texts.line_id
),

{# sorted with repeats, then each code unlike the one before it (sorted_distinct says why) #}
shingled as (
    select
        exporter,
        id,
        {{ distill.list_sort(
            "case when " ~ distill.list_len('token_codes') ~ " < 5 then " ~ distill.list_of([distill.whole_code('token_codes')])
            ~ " else " ~ distill.window_codes('token_codes', 5) ~ " end") }} as sorted_codes
    from coded
),

distinct_codes as (
    select
        exporter,
        id,
        {{ distill.sorted_distinct('sorted_codes') }} as codes
    from shingled
),

final as (
    select
        row_number() over (order by exporter, id) as row_key,
        exporter,
        id,
        {{ distill.list_len('codes') }} as shingle_count,
        {{ distill.hash64('codes') }} as set_code,
        codes
    from distinct_codes
)

select * from final
