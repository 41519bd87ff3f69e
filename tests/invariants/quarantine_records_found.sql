{#
  Every quarantine row of the rag, sft and preference exporters carries its input records
  (SPEC §5 source_record): each line key a refused row names, its scored-run line and its
  evidence line when it has one, is a framed line of that input. quarantine_rag and
  quarantine_sft are views that read the records by these keys (from int_rag_refused and
  int_sft_refused) when the files are written; checking the keys leaves the records unread.
  Returns each key that names no line.
#}
{%- set keys = [
    ('rag', 'int_rag_refused', 'run_id', 'scored', 'score_input'),
    ('rag', 'int_rag_refused', 'run_id', 'evidence', 'evidence_input'),
    ('sft', 'int_sft_refused', 'run_id', 'scored', 'score_input'),
    ('sft', 'int_sft_refused', 'run_id', 'evidence', 'evidence_input'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'scored', 'chosen_score_input'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'scored', 'score_input'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'evidence', 'chosen_evidence_input'),
    ('preference', 'int_preference_pairs_gated', 'rejected_run_id', 'evidence', 'rejected_evidence_input'),
] %}

with

wanted as (
    {%- for exporter, relation, run_id, input_kind, key in keys %}
        select
            '{{ exporter }}' as exporter,
            {{ run_id }},
            '{{ input_kind }}' as input_kind,
            {{ key }}_file as input_file,
            {{ key }}_line as input_line
        from {{ ref(relation) }}
        where
            {{ key }}_file is not null
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
        input_kind,
        input_file,
        input_line
    from {{ ref('stg_substrate__lines') }}
    where input_line > 0
)

select wanted.*
from wanted
where not exists (
    select 1
    from lines
    where
        lines.input_kind = wanted.input_kind
        and lines.input_file = wanted.input_file
        and lines.input_line = wanted.input_line
)
