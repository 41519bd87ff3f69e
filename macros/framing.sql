{#
  SPEC §2 framing on each engine: base_substrate__lines from the engine's framing model.
#}

{#-
  The input files, in framing order: (kind, path as given, path to read), kinds evidence,
  scored, manifest, eval (SPEC §4.3's --eval-set), files sorted by UTF-8 bytes. `distill` passes them in the var input_files,
  globs expanded ([[kind, path, location], ...]); `dbt build` alone takes the three path vars
  as single files (relative paths resolve against the project root, where dbt runs).
-#}
{% macro input_files() -%}
  {%- set given = var('input_files', none) -%}
  {%- if given is none -%}
    {%- set given = [['evidence', var('evidence_path')], ['scored', var('scored_path')]] -%}
    {%- set manifest = var('manifest_path', 'data/sample/repo_manifest.txt'
        if var('evidence_path') == 'data/sample/evidence.jsonl' else '') -%}
    {%- if manifest %}{% do given.append(['manifest', manifest]) %}{% endif -%}
    {%- if var('eval_set_path', '') %}{% do given.append(['eval', var('eval_set_path')]) %}{% endif -%}
  {%- endif -%}
  {%- set files = [] -%}
  {%- for entry in given -%}
    {%- do files.append((entry[0], entry[1], entry[2] if entry | length > 2 else entry[1])) -%}
  {%- endfor -%}
  {{- return(files) -}}
{%- endmacro %}

{#- A file path for Spark's file sources: Hadoop glob characters escaped, so a file name with
    `[` or `{` names that file; a backtick doubled inside the quoted identifier. -#}
{% macro hadoop_path(path) -%}
  {{- path | replace('\\', '\\\\') | replace('*', '\\*') | replace('?', '\\?') | replace('[', '\\[')
         | replace(']', '\\]') | replace('{', '\\{') | replace('}', '\\}') | replace('`', '``') -}}
{%- endmacro %}

{% macro framed_lines() %}{{ return(adapter.dispatch('framed_lines', 'distill')()) }}{% endmacro %}
{% macro default__framed_lines() %}{{ distill._unsupported('framed_lines') }}{% endmacro %}

{% macro duckdb__framed_lines() -%}
select * from {{ ref('base_substrate__lines_framed') }}
{%- endmacro %}

{#-
  Spark: line numbers from the scan's blocks (count and first `mid` per block, prefix sums over
  the blocks of a file; only the per-block counts move between tasks), a marker row per file
  from the file list (Spark's scans skip 0-byte files), every line given back its '\n' as the
  Python framing keeps it, and line_id the row's place in framing order over every file.
-#}
{% macro spark__framed_lines() -%}
  {%- set files = distill.input_files() -%}
with

scanned as (
    select * from {{ ref('base_substrate__lines_scanned') }}
),

files as (
    {%- for kind, path, location in files %}
    select {{ loop.index0 }} as file_index, '{{ kind }}' as input_kind, {{ distill.sql_string(path) }} as input_file
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

blocks as (
    select
        file_index,
        block_start,
        count(*) as block_lines,
        min(mid) as first_mid
    from scanned
    group by file_index, block_start
),

block_offsets as (
    select
        file_index,
        block_start,
        first_mid,
        coalesce(sum(block_lines) over (
            partition by file_index order by block_start rows between unbounded preceding and 1 preceding
        ), 0) as lines_before
    from blocks
),

lines as (
    select
        scanned.file_index,
        block_offsets.lines_before + (scanned.mid - block_offsets.first_mid) + 1 as input_line,
        concat(scanned.raw, unhex('0A')) as raw
    from scanned
    inner join block_offsets
        on scanned.file_index = block_offsets.file_index and scanned.block_start = block_offsets.block_start
),

file_rows as (
    select
        files.file_index,
        files.input_kind,
        files.input_file,
        1 + coalesce(max(lines.input_line), 0) as row_count
    from files
    left join lines
        on files.file_index = lines.file_index
    group by files.file_index, files.input_kind, files.input_file
),

file_offsets as (
    select
        *,
        coalesce(sum(row_count) over (order by file_index rows between unbounded preceding and 1 preceding), 0) as rows_before
    from file_rows
),

framed as (
    select
        file_index,
        cast(0 as bigint) as input_line,
        cast(null as binary) as raw
    from files
    union all
    select
        file_index,
        input_line,
        raw
    from lines
),

final as (
    select
        file_offsets.input_kind,
        file_offsets.input_file,
        framed.input_line,
        framed.raw,
        file_offsets.rows_before + framed.input_line as line_id
    from framed
    inner join file_offsets
        on framed.file_index = file_offsets.file_index
)

select * from final
{%- endmacro %}
