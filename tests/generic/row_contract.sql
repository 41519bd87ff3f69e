{#-
  A model's row rules in one test: one dbt node instead of one per rule, since every node costs
  dbt's own work whatever the data (docs/performance.md). Returns one row per rule that fails:
  the rule, how many rows (for `unique`, how many keys) break it, and the smallest offending
  `key`, which the CLI prints beside the failure.

    key                 columns that name a row in the answer (not checked themselves)
    unique              combinations that must be unique: a list of columns, or
                        {columns: [...], where: "<filter>"} to check only the rows it keeps
    not_null            columns that must hold a value
    not_blank           text columns that must not be blank (SPEC §2: null or only whitespace)
    non_empty_list      list columns with at least one entry, none blank (quarantine `errors`)
    provenance_complete invariant 5: provenance columns, or {column: c, sides: [a, b]} for a
                        struct of several (SPEC §4: source_file and sig_hash non-blank,
                        sig_hash without control characters, recorded_at in SPEC §2.4's form)
    accepted_values     {column: [values]}: a non-null value must be one of them

  Rules that name an invariant of SPEC (exactly_once_in, the named expression tests) stay tests
  of their own, so that a failure names the invariant.
-#}
{% test row_contract(model, key, unique=[], not_null=[], not_blank=[], non_empty_list=[], provenance_complete=[], accepted_values={}) %}
{%- set row_key = distill.key_text(key) -%}
{#- unique rules: a label, and a query of the keys found more than once -#}
{%- set rules = [] -%}
{%- for entry in unique -%}
  {%- set columns = entry['columns'] if entry is mapping else entry -%}
  {%- set label = 'unique(' ~ columns | join(', ') ~ ')' ~ (' where ' ~ entry['where'] if entry is mapping else '') -%}
  {%- do rules.append((label,
      'select ' ~ distill.key_text(columns) ~ ' as offending_key from ' ~ model
      ~ (' where ' ~ entry['where'] if entry is mapping else '')
      ~ ' group by ' ~ columns | join(', ') ~ ' having count(*) > 1')) -%}
{%- endfor -%}
{#- the others: a label, and a predicate true on an offending row -#}
{%- set predicates = [] -%}
{%- for column in not_null -%}
  {%- do predicates.append(('not_null(' ~ column ~ ')', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column in not_blank -%}
  {%- do predicates.append(('not_blank(' ~ column ~ ')', distill.is_blank(column))) -%}
{%- endfor -%}
{%- for column in non_empty_list -%}
  {%- do predicates.append(('non_empty_list(' ~ column ~ ')', distill.list_empty_or_blank(column))) -%}
{%- endfor -%}
{%- for entry in provenance_complete -%}
  {%- set column = entry['column'] if entry is mapping else entry -%}
  {%- for side in (entry['sides'] if entry is mapping else [none]) -%}
    {%- set prov = column ~ ('.' ~ side if side else '') -%}
    {%- do predicates.append(('provenance_complete(' ~ prov ~ ')', distill.provenance_incomplete(prov))) -%}
  {%- endfor -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
  {%- set quoted = [] -%}
  {%- for value in values -%}{%- do quoted.append("'" ~ value | replace("'", "''") ~ "'") -%}{%- endfor -%}
  {%- do predicates.append(('accepted_values(' ~ column ~ ')', column ~ ' not in (' ~ quoted | join(', ') ~ ')')) -%}
{%- endfor -%}
{%- if rules | length + predicates | length == 0 -%}
  {{ exceptions.raise_compiler_error("row_contract on " ~ model ~ ": name at least one rule") }}
{%- endif %}
with

{% for label, query in rules -%}
{#- a key shared by several rows: one aggregate per combination -#}
unique_{{ loop.index }} as (
    select
        '{{ label | replace("'", "''") }}' as rule,
        count(*) as offending,
        min(offending_key) as first_key
    from ({{ query }}) as duplicated
),

{% endfor -%}
{%- if predicates %}
{#- every row rule in one scan of the model: a flag per rule, then one aggregate -#}
flagged as (
    select
        {{ row_key }} as row_key,
        {%- for label, predicate in predicates %}
        {{ predicate }} as broken_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}
),

row_counts as (
    select
        {%- for label, predicate in predicates %}
        sum(case when broken_{{ loop.index }} then 1 else 0 end) as offending_{{ loop.index }},
        min(case when broken_{{ loop.index }} then row_key end) as first_key_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from flagged
),

{% endif -%}
final as (
    {%- for label, query in rules %}
    select * from unique_{{ loop.index }} where offending > 0
    {%- if not loop.last or predicates %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- for label, predicate in predicates %}
    select
        '{{ label | replace("'", "''") }}' as rule,
        offending_{{ loop.index }} as offending,
        first_key_{{ loop.index }} as first_key
    from row_counts
    where offending_{{ loop.index }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
{% endtest %}
