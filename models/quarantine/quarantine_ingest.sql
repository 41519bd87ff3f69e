{#
  SPEC §3 ingest quarantine: every non-blank input line that is not staged. Evidence and
  scored-run lines that break the schema (`schema_violation`), and evidence records that lose
  to the canonical record of their run_id (`duplicate_id`).
#}
with

evidence as (
    select * from {{ ref('stg_substrate__evidence') }}
),

scores as (
    select * from {{ ref('stg_substrate__scored_runs') }}
),

evidence_duplicates as (
    select
        ranked.input_file,
        ranked.input_line,
        ranked.line_id,
        ranked.run_id,
        ranked.canonical_input_file,
        ranked.canonical_input_line
    from {{ ref('int_evidence_deduplicated') }} as ranked
    where not ranked.is_canonical
),

schema_violations as (
    select
        'evidence' as input_kind,
        input_file,
        input_line,
        line_id,
        schema_errors as errors,
        run_id,
        raw_line
    from evidence
    where not is_valid
    union all
    select
        'scored' as input_kind,
        input_file,
        input_line,
        line_id,
        schema_errors as errors,
        run_id,
        raw_line
    from scores
    where not is_valid
),

refused as (
    select
        input_kind,
        input_file,
        input_line,
        line_id,
        'schema_violation' as reason,
        errors,
        run_id,
        raw_line
    from schema_violations
    union all
    select
        'evidence' as input_kind,
        input_file,
        input_line,
        line_id,
        'duplicate_id' as reason,
        {{ distill.list_of([
            "'duplicate evidence for run_id ''' || run_id || ''': the canonical record is '"
            ~ " || canonical_input_file || ':' || canonical_input_line"]) }} as errors,
        run_id,
        null as raw_line
    from evidence_duplicates
),

lines as (
    {#- the records of refused object lines; the other lines are shown by raw_line -#}
    {{ distill.input_lines('select line_id from refused where raw_line is null') }}
),

final as (
    select
        {{ distill.quarantine_id('ingest', ["refused.input_file || ':' || refused.input_line"]) }} as id,
        'ingest' as exporter,
        refused.reason,
        refused.errors,
        refused.run_id,
        {# a line that is no JSON object has a raw_line; the others are records, read by key #}
        case
            when refused.raw_line is null then {{ distill.line_record('lines.raw') }}
            else {{ distill.json_object_of([('raw_line', 'refused.raw_line')]) }}
        end as source_record,
        {{ distill.source_provenance('refused.input_file', 'refused.input_line') }} as source_provenance
    from refused
    left join lines
        on refused.line_id = lines.line_id
)

select * from final
