{# SPEC §4 secrets: the patterns of seeds/secret_patterns.csv, what matches, and gate 7's message. #}

{#-
  The secret patterns, read when the model compiles, so that each regex is a constant the engine
  compiles once: a pattern taken from a joined column or a subquery is compiled again for every
  row, about ten times slower (docs/performance.md). The seed is read
  from the warehouse, where `dbt build` loads it before any model; models that call this declare
  `-- depends_on: ref('secret_patterns')`.
-#}
{% macro secret_patterns() %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set relation = adapter.get_relation(database=target.database, schema=target.schema, identifier='secret_patterns') -%}
  {%- if relation is none -%}
    {{ exceptions.raise_compiler_error("distill: the secret_patterns seed is not in the warehouse yet, and the secret regexes are compiled into the SQL: run `dbt seed` (or `dbt build`, which loads seeds first) before compiling") }}
  {%- endif -%}
  {%- set rows = run_query('select name, pattern, literals from ' ~ relation ~ ' order by name') -%}
  {%- if rows | length == 0 -%}
    {{ exceptions.raise_compiler_error("distill: seeds/secret_patterns.csv lists no pattern; an empty list would let every secret through") }}
  {%- endif -%}
  {{ return(rows) }}
{% endmacro %}

{% macro sql_string(s) %}'{{ s | replace("'", "''") }}'{% endmacro %}

{#-
  The names of the secret patterns that match `expr` (a search, case-sensitive), as a list;
  empty when none. One combined regex scans the text once (on Spark, only a text that holds one
  of the patterns' required literals: secret_prefilter); only a text that matches is scanned
  again per pattern to name what matched.
-#}
{% macro secret_matches(expr) -%}
  {%- set rows = distill.secret_patterns() -%}
  {%- if rows | length == 0 -%}
    {{ distill.empty_string_list() }}
  {%- else -%}
    {%- set combined = [] -%}
    {%- for row in rows %}{% do combined.append('(?:' ~ row['pattern'] ~ ')') %}{% endfor -%}
    case
      when {{ expr }} is not null{{ distill.secret_prefilter(expr, rows) }} and {{ distill.regex_search(expr, distill.sql_string(combined | join('|'))) }}
        then {{ distill._secret_names(expr, rows) }}
      else {{ distill.empty_string_list() }}
    end
  {%- endif -%}
{%- endmacro %}

{#-
  ` and <expr holds one of the literals>`, a condition put before the secret regexes, or nothing.
  Every match of a pattern holds one of its row's `literals` (seeds/secret_patterns.csv; distill
  proves it from the parsed pattern before a build: src/distill/secret_literals.py), so a text
  that holds none of any row's matches no pattern, and its regexes need not run. On Spark,
  Java's regex tries every alternative at every position, and `instr` is a plain search
  (docs/spark.md: about half the scan); RE2 on DuckDB runs the alternation as one automaton,
  and gets nothing. Nothing when a row lists no literal.
-#}
{% macro secret_prefilter(expr, rows) %}{{ return(adapter.dispatch('secret_prefilter', 'distill')(expr, rows)) }}{% endmacro %}
{% macro default__secret_prefilter(expr, rows) %}{% endmacro %}
{% macro spark__secret_prefilter(expr, rows) -%}
  {%- set literals = [] -%}
  {%- for row in rows -%}
    {%- if not row['literals'] -%}{{ return('') }}{%- endif -%}
    {%- for literal in row['literals'].split() %}{% do literals.append(literal) %}{% endfor -%}
  {%- endfor -%}
  {#- a literal that holds another is implied by it -#}
  {%- set needed = [] -%}
  {%- for literal in literals | unique | sort -%}
    {%- set implied = [] -%}
    {%- for other in literals if other != literal and other in literal %}{% do implied.append(other) %}{% endfor -%}
    {%- if not implied %}{% do needed.append(distill.string_contains(expr, distill.sql_string(literal))) %}{% endif -%}
  {%- endfor -%}
  {{- (' and (' ~ needed | join(' or ') ~ ')') if needed else '' -}}
{%- endmacro %}

{% macro _secret_names(expr, rows) -%}
  {%- set checks = [] -%}
  {%- for row in rows -%}
    {%- do checks.append('case when ' ~ distill.regex_search(expr, distill.sql_string(row['pattern'])) ~ ' then ' ~ distill.sql_string(row['name']) ~ ' end') -%}
  {%- endfor -%}
  {{ distill.compact_list(checks) }}
{%- endmacro %}

{#-
  The secret_detected message of one row (SPEC §4 gate 7, §4.1 gate 4), from (label, list of
  matched pattern names) pairs, one per free-text field the row carries:
  `secret in title (aws_access_key_id), text (api_key, github_token)`; null when no field matched.
-#}
{% macro secret_error(fields) -%}
  'secret in ' || nullif(concat_ws(', ',
    {%- for label, names in fields %}
    case when {{ distill.list_len(names) }} > 0 then '{{ label }} (' || {{ distill.list_join(names, "', '") }} || ')' end
    {%- if not loop.last %},{% endif %}
    {%- endfor %}), '')
{%- endmacro %}
