{#
  No secret in any exported free-text field (SPEC §4 gate 7, §4.1 gate 4): every pattern of
  seeds/secret_patterns.csv is searched again in each text column of the three exports.

  Written apart from the gate: the patterns are read here and every match is confirmed
  pattern by pattern, so a gate that skips a field, or a broken regex in macros/gates.sql,
  is caught. Like the gate, it runs the regexes on Spark only on the texts that hold a literal
  every match needs (the seed's `literals`, proven from each pattern by distill before a build).
#}
{%- set patterns = [] -%}
{%- set rows = [] -%}
{%- if execute -%}
    {%- set relation = adapter.get_relation(database=target.database, schema=target.schema, identifier='secret_patterns') -%}
    {%- set rows = run_query('select pattern, literals from ' ~ relation) -%}
    {%- for row in rows -%}
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
    where value is not null{{ distill.secret_prefilter('value', rows) }} and {{ distill.regex_search('value', distill.sql_string('(?:' ~ (patterns | join(')|(?:')) ~ ')')) if patterns else 'false' }}
),

{#
  Each pattern on the suspects, in one select: a union of one select per pattern would read
  `suspects` once per pattern, and Spark inlines a CTE where it is read, so the combined scan
  ran once per pattern there.
#}
leaks as (
    select
        id,
        field,
        {%- set checks = [] %}
        {%- for pattern in patterns %}
            {%- do checks.append('case when ' ~ distill.regex_search('value', distill.sql_string(pattern)) ~ ' then ' ~ distill.sql_string(pattern) ~ ' end') %}
        {%- endfor %}
        {{ distill.compact_list(checks) if patterns else distill.empty_string_list() }} as patterns
    from suspects
)

select * from leaks
where {{ distill.list_len('patterns') }} > 0
