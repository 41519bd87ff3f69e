{#
  SPEC §5.1: the Hub folder holds exactly the exported rows, with the same ids and texts, and
  every attempt at one task lands in one split, in every config.
  - each config's ids are its SPEC export's ids, each once (a row missing, added or doubled);
  - each row's texts are its export row's (the turns of TRL's formats hold them verbatim);
  - each split key (task_id when non-blank, else the run id) is in one split only, across the
    three configs;
  - the split is `test` or `train`, and `test` never appears when eval_fraction is 0.
  Returns one row per violation.
#}
{%- set threshold = distill.eval_split_threshold() -%}
{%- set configs = [
    ('rag', 'hf_rag', 'rag_samples', [('hub.title', 'title'), ('hub.text', 'text')]),
    ('sft', 'hf_sft', 'sft_samples', [(distill.list_at('hub.prompt', 1) ~ '.content', 'instruction'),
                                      (distill.list_at('hub.completion', 1) ~ '.content', 'response')]),
    ('preference', 'hf_preference', 'preference_pairs', [
        (distill.list_at('hub.prompt', 1) ~ '.content', 'prompt'),
        (distill.list_at('hub.chosen', 1) ~ '.content', 'chosen'),
        (distill.list_at('hub.rejected', 1) ~ '.content', 'rejected')]),
] -%}
{%- set split_keys = {
    'rag': ('task_id', 'source_run_id'),
    'sft': ('task_id', 'source_run_id'),
    'preference': ('task_id', 'rejected_run_id'),
} -%}

{#- sqlfluff's layout rule is off for this file: it measures each loop's indent against every
    place the loop is rendered, and those differ (as in quarantine_reasons_allowed) -#}
-- noqa: disable=LT02
with

{# hub rows against their export rows, by id #}
{%- for config, hub, export, texts in configs %}
{{ config }}_compared as (
    select
        '{{ config }}' as config,
        coalesce(hub.id, export.id) as id,
        case
            when hub.id is null then 'an exported row is missing from the Hub folder'
            when export.id is null then 'a Hub row is not an exported row'
            {%- for hub_text, export_text in texts %}
            when {{ hub_text }} is distinct from export.{{ export_text }} then '{{ export_text }} differs from the export'
            {%- endfor %}
            when hub.split not in ('train', 'test') then 'split is neither train nor test'
            when hub.split = 'test' and '{{ threshold }}' = '0000000000000000' then 'a test row with eval_fraction 0'
        end as violation
    from {{ ref(hub) }} as hub
    full outer join {{ ref(export) }} as export
        on hub.id = export.id
),
{% endfor %}

{# the hub ids are unique per config (their unique tests), so a join on id finds doubles as missing rows #}
split_keys as (
    {%- for config, hub, export, texts in configs %}
    {%- set task_id, run_id = split_keys[config] %}
    select
        case when {{ distill.is_blank(task_id) }} then {{ run_id }} else {{ task_id }} end as split_key,
        split
    from {{ ref(hub) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

split_violations as (
    select
        'all' as config,
        split_key as id,
        'the split key is in both splits' as violation
    from split_keys
    group by split_key
    having count(distinct split) > 1
),

violations as (
    {%- for config, hub, export, texts in configs %}
    select * from {{ config }}_compared
    where violation is not null
    union all
    {%- endfor %}
    select * from split_violations
)

select * from violations
