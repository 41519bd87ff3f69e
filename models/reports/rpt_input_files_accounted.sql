{# a table: counting blank lines decodes every line, and receipts and tests read the counts #}
{{ config(materialized='table') }}
{#
  SPEC §3 accounting, per input file: lines = blank_lines + staged + ingest_quarantined. Each
  term is counted from a different relation (the framed lines, the staged records, the ingest
  quarantine), so the data test that checks the sum can fail when a line goes missing.
  Manifest files count lines and listed paths only; eval-set files (--eval-set) their lines.
#}
with

{# One pass over the framed lines: every file has its marker row (input_line 0), so every file
   is a group, and its lines are the rows after the marker. (A `lines` CTE read twice is
   materialised by DuckDB, every line's bytes in it.) Each line is decoded once, in the
   subquery: written three times in the filter, the decode ran three times. #}
files as (
    select
        input_kind,
        input_file,
        count(*) filter (where input_line > 0) as line_count,
        count(*) filter (
            where input_line > 0 and line_text is not null and {{ distill.is_blank('line_text') }}
        ) as blank_lines
    from (
        select
            input_kind,
            input_file,
            input_line,
            {{ distill.try_decode_utf8('raw') }} as line_text
        from {{ ref('base_substrate__lines') }}
    ) as decoded
    group by input_kind, input_file
),

staged_evidence as (
    select
        input_file,
        count(*) as staged
    from {{ ref('int_evidence_deduplicated') }}
    where is_canonical
    group by input_file
),

staged_scores as (
    select
        input_file,
        count(*) as staged
    from {{ ref('stg_substrate__scored_runs') }}
    where is_valid
    group by input_file
),

staged_paths as (
    select
        input_file,
        count(*) as staged
    from {{ ref('stg_substrate__manifest_paths') }}
    group by input_file
),

quarantined as (
    select
        source_provenance.input_file,  -- noqa: RF01
        count(*) as ingest_quarantined
    from {{ ref('quarantine_ingest') }}
    group by source_provenance.input_file  -- noqa: RF01
),

final as (
    select
        files.input_kind,
        files.input_file,
        files.line_count as lines,
        files.blank_lines,
        coalesce(case files.input_kind
            when 'evidence' then staged_evidence.staged
            when 'scored' then staged_scores.staged
            when 'manifest' then staged_paths.staged
            {# an eval file: every non-blank line is read (distill checked each before the build) #}
            when 'eval' then files.line_count - files.blank_lines
        end, 0) as staged,
        coalesce(case when files.input_kind in ('evidence', 'scored') then quarantined.ingest_quarantined end, 0) as ingest_quarantined
    from files
    left join staged_evidence
        on files.input_file = staged_evidence.input_file
    left join staged_scores
        on files.input_file = staged_scores.input_file
    left join staged_paths
        on files.input_file = staged_paths.input_file
    left join quarantined
        on files.input_file = quarantined.input_file
)

select * from final
