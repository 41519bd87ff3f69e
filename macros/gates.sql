{#
  Facts the gates need, as SQL expressions. Each is computed once per run (int_runs_joined)
  and read by every exporter.
#}

{#-
  SPEC §4 unsafe path: blank, starts with / or ~ or a drive letter, has a `..` segment
  (between slashes or at either end), or holds a backslash or a control character.
-#}
{% macro is_unsafe_path(expr) -%}
  ({{ distill.is_blank(expr) }}
   or {{ distill.regex_search(expr, "'^[/~]|^[A-Za-z]:|(^|/)\\.\\.(/|$)|[\\\\\\x00-\\x1f\\x7f]'") }})
{%- endmacro %}

{#- SPEC §2.3: one leading './' is removed before a file_refs entry is looked up. -#}
{% macro manifest_key(expr) -%}
  case when starts_with({{ expr }}, './') then substr({{ expr }}, 3) else {{ expr }} end
{%- endmacro %}

{#-
  The secret patterns of seeds/secret_patterns.csv, read when the model compiles, so that each
  regex is a constant the engine compiles once (a pattern taken from a joined column is
  compiled again for every row). The seed is read from the warehouse, where `dbt build` loads
  it before any model; models that call this declare `-- depends_on: ref('secret_patterns')`.
-#}
{% macro secret_patterns() %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set relation = adapter.get_relation(database=target.database, schema=target.schema, identifier='secret_patterns') -%}
  {%- if relation is none -%}
    {{ exceptions.raise_compiler_error("distill: the secret_patterns seed is not loaded; run `dbt build` (or `dbt seed`) first") }}
  {%- endif -%}
  {%- set rows = run_query('select name, pattern from ' ~ relation ~ ' order by name') -%}
  {%- if rows | length == 0 -%}
    {{ exceptions.raise_compiler_error("distill: seeds/secret_patterns.csv lists no pattern; an empty list would let every secret through") }}
  {%- endif -%}
  {{ return(rows) }}
{% endmacro %}

{% macro sql_string(s) %}'{{ s | replace("'", "''") }}'{% endmacro %}

{#-
  The names of the secret patterns that match `expr` (a search, case-sensitive), as a list;
  empty when none. One combined regex scans the text once; only a text that matches is scanned
  again per pattern to name what matched.
-#}
{% macro secret_matches(expr) -%}
  {%- set rows = distill.secret_patterns() -%}
  {%- if rows | length == 0 -%}
    cast([] as varchar[])
  {%- else -%}
    {%- set combined = [] -%}
    {%- for row in rows %}{% do combined.append('(?:' ~ row['pattern'] ~ ')') %}{% endfor -%}
    case
      when {{ expr }} is not null and {{ distill.regex_search(expr, distill.sql_string(combined | join('|'))) }}
        then {{ distill._secret_names(expr, rows) }}
      else cast([] as varchar[])
    end
  {%- endif -%}
{%- endmacro %}

{% macro _secret_names(expr, rows) -%}
  {%- set checks = [] -%}
  {%- for row in rows -%}
    {%- do checks.append('case when ' ~ distill.regex_search(expr, distill.sql_string(row['pattern'])) ~ ' then ' ~ distill.sql_string(row['name']) ~ ' end') -%}
  {%- endfor -%}
  {{ distill.compact_list(checks) }}
{%- endmacro %}

{#-
  A gated model's verdict from its gates, given in SPEC order as (reason, fails, message):
  `reason` is the first failing gate's, `errors` one message per failing gate (SPEC §4).
-#}
{% macro gate_reason(gates) -%}
  case {% for reason, fails, message in gates %}when {{ fails }} then '{{ reason }}' {% endfor %}end
{%- endmacro %}

{% macro gate_errors(gates) -%}
  {%- set checks = [] -%}
  {%- for reason, fails, message in gates -%}
    {%- do checks.append('case when ' ~ fails ~ ' then ' ~ message ~ ' end') -%}
  {%- endfor -%}
  {{ distill.compact_list(checks) }}
{%- endmacro %}

{#- A list of strings quoted for a message: 'a', 'b'. -#}
{% macro quoted_list(expr) -%}
  {{ distill.list_join(distill.list_transform(expr, "x", "'''' || x || ''''"), "', '") }}
{%- endmacro %}

{#-
  SPEC §4 gate 8 / §4.1 gate 5: among the rows that passed every other gate (reason null), the
  second and later rows with one export id are duplicates; the first by `order_by` (columns
  that are unique per row) keeps it, and `owner` (an expression) names it in the message.
  The ids that are taken twice are found by a narrow GROUP BY and joined back: a window over
  the whole rows sorted every column of a million of them (5.2 s against 3.6 s for RAG).
-#}
{% macro duplicate_id_gate(relation, id_column, order_by, owner) -%}
  select
    * exclude (reason, errors, is_duplicate, id_owner),
    case when is_duplicate then 'duplicate_id' else reason end as reason,
    case
      when is_duplicate then ['export id ' || {{ id_column }} || ' is already taken by ' || id_owner]
      else errors
    end as errors
  from (
    select
      {{ relation }}.*,
      coalesce(reason is null and row({{ order_by }}) <> taken.first_key, false) as is_duplicate,
      taken.id_owner
    from {{ relation }}
    left join (
      select
        {{ id_column }},
        min(row({{ order_by }})) as first_key,
        arg_min({{ owner }}, row({{ order_by }})) as id_owner
      from {{ relation }}
      where reason is null
      group by {{ id_column }}
      having count(*) > 1
    ) as taken
      on {{ relation }}.{{ id_column }} = taken.{{ id_column }}
  ) as id_checked
{%- endmacro %}

{#- The gate-6 message: which file_refs are unsafe and which the manifest does not list. -#}
{% macro file_refs_message() -%}
  {{ distill.list_join(distill.compact_list([
      "case when " ~ distill.list_len('unsafe_file_refs') ~ " > 0 then 'unsafe file_refs: ' || " ~ distill.quoted_list('unsafe_file_refs') ~ " end",
      "case when " ~ distill.list_len('unlisted_file_refs') ~ " > 0 then 'file_refs not in the manifest: ' || " ~ distill.quoted_list('unlisted_file_refs') ~ " end",
  ]), "'; '") }}
{%- endmacro %}

{#- SPEC §5 provenance object of an exported row, keys in SPEC order. -#}
{% macro provenance_struct(prefix='prov_', recorded_at='recorded_at') -%}
  {{ distill.struct_of([
      ('source_file', prefix ~ 'source_file'),
      ('line', prefix ~ 'line'),
      ('sig_hash', prefix ~ 'sig_hash'),
      ('recorded_at', recorded_at),
  ]) }}
{%- endmacro %}

{#- SPEC §5 quarantine id: q- + hex16(exporter ␟ key ␟ reason). -#}
{% macro quarantine_id(exporter, key_parts) -%}
  {{ distill.export_id('q', ["'" ~ exporter ~ "'"] + key_parts + ['reason']) }}
{%- endmacro %}

{#- SPEC §5 quarantine source_provenance: the input line the row came from. -#}
{% macro source_provenance(file_expr, line_expr) -%}
  {{ distill.struct_of([('input_file', file_expr), ('input_line', line_expr)]) }}
{%- endmacro %}

{#-
  The runs one run-level exporter (rag, sft) refused, as quarantine rows without their records:
  SPEC §5's id, exporter, reason, errors, run_id and source_provenance, and the line keys of the
  two records source_record is built from. A narrow table: the data tests read it, not the view.
-#}
{% macro refused_runs(exporter, gated) -%}
select
    {{ distill.quarantine_id(exporter, ['run_id']) }} as id,
    '{{ exporter }}' as exporter,
    reason,
    errors,
    run_id,
    {{ distill.source_provenance('score_input_file', 'score_input_line') }} as source_provenance,
    score_input_file,
    score_input_line,
    score_line_id,
    evidence_input_file,
    evidence_input_line,
    evidence_line_id
from {{ ref(gated) }}
where reason is not null
{%- endmacro %}

{#-
  A quarantine relation of one run-level exporter (rag, sft): its refused runs with their joined
  input, the scored-run and evidence records read from the framed lines by key. A view: the
  records are most of the input again, so they are built once, by the writer's COPY, straight
  into the file, and never stored a second time. Its rows are tested on `refused`.
-#}
{% macro run_quarantine(refused) -%}
with

refused as (
    select * from {{ ref(refused) }}
),

{# whole records are read from the framed lines by key, for the refused rows only #}
score_lines as (
    {{ distill.input_lines('select score_line_id from ' ~ ref(refused)) }}
),

evidence_lines as (
    {{ distill.input_lines('select evidence_line_id from ' ~ ref(refused)) }}
),

final as (
    select
        refused.id,
        refused.exporter,
        refused.reason,
        refused.errors,
        refused.run_id,
        {{ distill.json_object_of([
            ('scored_run', distill.line_record('score_lines.raw')),
            ('evidence', distill.line_record('evidence_lines.raw')),
        ]) }} as source_record,
        refused.source_provenance
    from refused
    left join score_lines
        on refused.score_line_id = score_lines.line_id
    left join evidence_lines
        on refused.evidence_line_id = evidence_lines.line_id
)

select * from final
{%- endmacro %}
