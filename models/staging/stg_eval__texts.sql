{#
  SPEC §4.3 eval texts, one row per text: every string value, at any depth, of every line of a
  `.jsonl` / `.jsonl.gz` eval file (in order, `text_index` from 1), or every non-blank line of
  any other file (`text_index` 1). distill checked every line before dbt started (a `.jsonl`
  line that is not JSON, or a line that is not UTF-8, stops the command with exit 2), so no
  line is refused here. Empty unless --eval-set is given.
#}
with

lines as (
    select
        input_file as eval_file,
        input_line as eval_line,
        {# the trailing '\n' the framing keeps; a '\r' before it is whitespace to the tokens #}
        line_text,
        is_json_lines,
        case when is_json_lines then {{ distill.json_string_values('line_text') }} end as json_values
    from (
        select
            input_file,
            input_line,
            {{ distill.regex_replace_all(distill.try_decode_utf8('raw'), "'\\n$'", "''") }} as line_text,
            input_file like '%.jsonl' or input_file like '%.jsonl.gz' as is_json_lines
        from {{ ref('base_substrate__lines') }}
        where input_kind = 'eval' and input_line > 0
    ) as decoded
),

json_texts as (
    select
        lines.eval_file,
        lines.eval_line,
        json_value.value_position + 1 as text_index,
        json_value.text
    from lines
    {{ distill.cross_join_unnest_indexed('lines.json_values', 'json_value', 'text', 'value_position') }}
    where lines.is_json_lines
),

plain_texts as (
    select
        eval_file,
        eval_line,
        1 as text_index,
        line_text as text
    from lines
    where not is_json_lines and not {{ distill.is_blank('line_text') }}
),

final as (
    select * from json_texts
    union all
    select * from plain_texts
)

select * from final
