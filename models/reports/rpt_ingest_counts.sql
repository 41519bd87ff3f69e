{#
  The build-evidence and score receipts' record_counts (SPEC §3, §6), one row per count in the
  receipt's key order: a count has a value and no key; a map has one header row (no key, no
  value), then one row per entry. Line accounting comes from rpt_input_files_accounted; ingest
  reasons are those of the stage's own input files.
#}
with

files as (
    select * from {{ ref('rpt_input_files_accounted') }}
),

stages as (
    select
        'build-evidence' as stage,
        'evidence' as input_kind
    union all
    select
        'score' as stage,
        'scored' as input_kind
),

lines as (
    select
        stages.stage,
        coalesce(sum(files.lines), 0) as lines,
        coalesce(sum(files.blank_lines), 0) as blank_lines,
        coalesce(sum(files.staged), 0) as staged,
        coalesce(sum(files.ingest_quarantined), 0) as quarantined
    from stages
    left join files
        on stages.input_kind = files.input_kind
    group by stages.stage
),

reasons as (
    select
        stages.stage,
        quarantined.reason,
        count(*) as value
    from {{ ref('quarantine_ingest') }} as quarantined
    inner join files
        on quarantined.source_provenance.input_file = files.input_file  -- noqa: RF01
    inner join stages
        on files.input_kind = stages.input_kind
    group by stages.stage, quarantined.reason
),

scores as (
    select
        count(*) as runs,
        coalesce(sum(superseded_scores), 0) as superseded
    from {{ ref('int_scores_resolved') }}
),

unscored as (
    select count(*) as unscored
    from {{ ref('int_evidence_deduplicated') }} as evidence
    where
        evidence.is_canonical
        and evidence.run_id not in (select resolved.run_id from {{ ref('int_scores_resolved') }} as resolved)
),

categories as (
    select
        category,
        count(*) as value
    from {{ ref('int_scores_resolved') }}
    group by category
),

counts as (
    select stage, 1 as position, 'in' as measure, null as key, lines as value from lines
    union all
    select stage, 2, 'lines', null, lines from lines
    union all
    select stage, 3, 'blank_lines', null, blank_lines from lines
    union all
    select stage, 4, 'staged', null, staged from lines
    union all
    select stage, 5, 'exported', null, staged from lines
    union all
    select stage, 6, 'quarantined', null, quarantined from lines
    union all
    select stage, 7, 'ingest_quarantined', null, quarantined from lines
    union all
    select stage, 8, 'by_reason', null, null from stages
    union all
    select stage, 8, 'by_reason', reason, value from reasons
    union all
    select 'build-evidence', 9, 'unscored', null, unscored from unscored
    union all
    select 'build-evidence', 10, 'by_category', null, null
    union all
    select 'score', 9, 'runs', null, runs from scores
    union all
    select 'score', 10, 'superseded', null, superseded from scores
    union all
    select 'score', 11, 'by_category', null, null
    union all
    select 'score', 11, 'by_category', category, value from categories
),

final as (
    select
        cast(stage as varchar) as stage,
        cast(position as integer) as position,
        cast(measure as varchar) as measure,
        cast(key as varchar) as key,
        cast(value as bigint) as value
    from counts
)

select * from final
