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
        ranked.run_id,
        ranked.canonical_input_file,
        ranked.canonical_input_line,
        evidence.record
    from {{ ref('int_evidence_deduplicated') }} as ranked
    inner join evidence
        on ranked.input_file = evidence.input_file and ranked.input_line = evidence.input_line
    where not ranked.is_canonical
),

schema_violations as (
    select
        input_file,
        input_line,
        schema_errors as errors,
        run_id,
        record,
        raw_line
    from evidence
    where not is_valid
    union all
    select
        input_file,
        input_line,
        schema_errors as errors,
        run_id,
        record,
        raw_line
    from scores
    where not is_valid
),

refused as (
    select
        input_file,
        input_line,
        'schema_violation' as reason,
        errors,
        run_id,
        record,
        raw_line
    from schema_violations
    union all
    select
        input_file,
        input_line,
        'duplicate_id' as reason,
        [
            'duplicate evidence for run_id ''' || run_id || ''': the canonical record is '
            || canonical_input_file || ':' || canonical_input_line
        ] as errors,
        run_id,
        record,
        null as raw_line
    from evidence_duplicates
),

final as (
    select
        {{ distill.quarantine_id('ingest', ["input_file || ':' || input_line"]) }} as id,
        'ingest' as exporter,
        reason,
        errors,
        run_id,
        coalesce(record, {{ distill.json_object_of([('raw_line', 'raw_line')]) }}) as source_record,
        {{ distill.source_provenance('input_file', 'input_line') }} as source_provenance
    from refused
)

select * from final
