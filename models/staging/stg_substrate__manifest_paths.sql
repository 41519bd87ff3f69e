{#
  SPEC §2.3: one repo-relative path per line, as `git ls-files` prints it. A trailing '\r' is
  dropped, blank lines are skipped, nothing is unquoted. Invalid UTF-8 cannot name a path that
  a JSON string could hold: distill stops before the build on such a line (exit 2, naming the
  file and line: distill.lines.check_manifest); under `dbt build` alone it lists nothing, and
  input_file_lines_balance fails the build on it.
#}
with

lines as (
    select
        input_file,
        input_line,
        trim(trailing chr(10) from {{ distill.try_decode_utf8('raw') }}) as line_text
    from {{ ref('base_substrate__lines') }}
    where input_kind = 'manifest' and input_line > 0
),

paths as (
    select
        input_file,
        input_line,
        case when right(line_text, 1) = chr(13) then substr(line_text, 1, length(line_text) - 1) else line_text end as path
    from lines
),

final as (
    select
        input_file,
        input_line,
        path
    from paths
    where not {{ distill.is_blank('path') }}
)

select * from final
