{#
  Every row of seeds/secret_patterns.csv finds its own example, as the gates compile it: RE2 on
  DuckDB, Java's regex on Spark (macros/text.sql java_regex), behind the required-literal
  prefilter on Spark (macros/secrets.sql secret_prefilter). A pattern that one engine reads
  differently, or that a CSV load mangles (a lost backslash), fails here on that engine; so does
  a row whose example holds none of its `literals`, on either engine (that a match can never do
  without them is proven by distill before a build, src/distill/secret_literals.py).
#}
-- depends_on: {{ ref('secret_patterns') }}
{%- set rows = distill.secret_patterns() %}

with

found as (
    select
        name,
        example,
        {{ distill.secret_matches('example') }} as matched
    from {{ ref('secret_patterns') }}
)

select
    name,
    example
from found
where
    not {{ distill.list_any('matched', 'm', 'm = name') }}
    {%- for row in rows if row['literals'] %}
        {%- set holds = [] %}
        {%- for literal in row['literals'].split() %}
            {%- do holds.append(distill.string_contains('example', distill.sql_string(literal))) %}
        {%- endfor %}
        or (name = {{ distill.sql_string(row['name']) }} and not ({{ holds | join(' or ') }}))
    {%- endfor %}
