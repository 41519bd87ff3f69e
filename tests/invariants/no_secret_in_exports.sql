{#
  No secret in any exported free-text field (SPEC §4 gate 7, §4.1 gate 4): every pattern of
  seeds/secret_patterns.csv is searched again in each text column of the three exports.

  Written apart from the gate: the patterns are read here and every match is confirmed
  pattern by pattern, so a gate that skips a field, or a broken regex in macros/gates.sql,
  is caught.
#}
{%- set patterns = [] -%}
{%- if execute -%}
    {%- set relation = adapter.get_relation(database=target.database, schema=target.schema, identifier='secret_patterns') -%}
    {%- for row in run_query('select pattern from ' ~ relation) -%}
        {%- do patterns.append(row['pattern']) -%}
    {%- endfor -%}
{%- endif -%}
{%- set fields = {
    'rag_samples': ['title', 'text'],
    'sft_samples': ['instruction', 'context', 'response'],
    'preference_pairs': ['prompt', 'chosen', 'rejected', 'reason'],
} %}
-- depends_on: {{ ref('secret_patterns') }}

with

texts as (
    {%- for model, columns in fields.items() %}
        {%- for column in columns %}
            select
                id,
                '{{ model }}.{{ column }}' as field,
                {{ column }} as value
            from {{ ref(model) }}
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

{# one scan with every pattern at once, then each pattern on the few texts that matched #}
suspects as (
    select *
    from texts
    where {{ distill.regex_search('value', distill.sql_string('(?:' ~ (patterns | join(')|(?:')) ~ ')')) if patterns else 'false' }}
),

leaks as (
    {%- for pattern in patterns %}
        select
            id,
            field,
            {{ distill.sql_string(pattern) }} as pattern
        from suspects
        where {{ distill.regex_search('value', distill.sql_string(pattern)) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
    {%- if not patterns %}
    select
        null as id,
        null as field,
        null as pattern
    where false
    {%- endif %}
)

select * from leaks
