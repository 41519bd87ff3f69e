{#
  Every quarantine row of the rag, sft and preference exporters carries its input records
  (SPEC §5 source_record): each line a refused row names, its scored-run line and its evidence
  line when it has one, is a framed line of that input, and the line_id the records are read
  by is that line's (same kind, file and line number). quarantine_rag and quarantine_sft are
  views that read the records by line_id (from int_rag_refused and int_sft_refused) when the
  files are written; checking the keys leaves the records unread.
  Returns each key that names no line, or whose line_id names another line.
#}
{%- set keys = [
    ('rag', 'int_rag_refused', 'run_id', 'scored', 'score'),
    ('rag', 'int_rag_refused', 'run_id', 'evidence', 'evidence'),
    ('sft', 'int_sft_refused', 'run_id', 'scored', 'score'),
    ('sft', 'int_sft_refused', 'run_id', 'evidence', 'evidence'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'scored', 'chosen_score'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'scored', 'score'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'evidence', 'chosen_evidence'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'evidence', 'rejected_evidence'),
] %}

with

wanted as (
    {%- for exporter, relation, run_id, input_kind, key in keys %}
        select
            '{{ exporter }}' as exporter,
            {{ run_id }},
            '{{ input_kind }}' as input_kind,
            {{ key }}_input_file as input_file,
            {{ key }}_input_line as input_line,
            {{ key }}_line_id as line_id
        from {{ ref(relation) }}
        where
            ({{ key }}_input_file is not null or {{ key }}_line_id is not null)
            {%- if relation == 'int_preference_pairs_gated' %}
                and reason is not null
            {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

lines as (
    select
        line_id,
        input_kind,
        input_file,
        input_line
    from {{ ref('base_substrate__lines') }}
    where input_line > 0
)

select wanted.*
from wanted
left join lines
    on wanted.line_id = lines.line_id
where
    lines.line_id is null
    or lines.input_kind is distinct from wanted.input_kind
    or lines.input_file is distinct from wanted.input_file
    or lines.input_line is distinct from wanted.input_line
