{#
  Every row of seeds/secret_patterns.csv finds its own example, as the gates compile it: RE2 on
  DuckDB, Java's regex on Spark (macros/text.sql java_regex). A pattern that one engine reads
  differently, or that a CSV load mangles (a lost backslash), fails here on that engine.
#}
-- depends_on: {{ ref('secret_patterns') }}

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
where not {{ distill.list_any('matched', 'm', 'm = name') }}
