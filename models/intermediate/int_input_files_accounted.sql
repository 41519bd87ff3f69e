{{ config(materialized='table') }}
{#
  SPEC §3 accounting, per input file: lines = blank_lines + staged + ingest_quarantined. Each
  term is counted from a different relation (the framed lines, the staged records, the ingest
  quarantine), so the data test that checks the sum can fail when a line goes missing.
  Manifest files count lines and listed paths only. A table: counting blank lines decodes
  every line, and receipts and several tests read the result.
#}
with

lines as (
    select * from {{ ref('stg_substrate__lines') }}
),

files as (
    select
        input_kind,
        input_file
    from lines
    where input_line = 0
),

line_counts as (
    select
        input_kind,
        input_file,
        count(*) as line_count,
        count(*) filter (
            where {{ distill.is_blank(distill.try_decode_utf8('raw')) }}
            and {{ distill.try_decode_utf8('raw') }} is not null
        ) as blank_lines
    from lines
    where input_line > 0
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
        coalesce(line_counts.line_count, 0) as lines,
        coalesce(line_counts.blank_lines, 0) as blank_lines,
        coalesce(case files.input_kind
            when 'evidence' then staged_evidence.staged
            when 'scored' then staged_scores.staged
            else staged_paths.staged
        end, 0) as staged,
        coalesce(case when files.input_kind <> 'manifest' then quarantined.ingest_quarantined end, 0) as ingest_quarantined
    from files
    left join line_counts
        on files.input_kind = line_counts.input_kind and files.input_file = line_counts.input_file
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
