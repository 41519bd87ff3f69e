{#
  The build-evidence and score receipts' record_counts (SPEC §3, §6), one row per count (see
  macros/reports.sql). Line accounting comes from rpt_input_files_accounted, ingest reasons are
  those of the stage's own input files; build-evidence adds the unscored evidence, score the
  runs, superseded scores and categories.
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

resolved as (
    select
        run_id,
        category,
        superseded_scores
    from {{ ref('int_scores_resolved') }}
),

{# neither side has a null run_id (both models' row rules), so `not exists` counts what `not in`
   would; Spark plans `not in` as a null-aware anti join, 2 s slower at 100K runs #}
unscored as (
    select count(*) as unscored
    from {{ ref('int_evidence_deduplicated') }} as evidence
    where
        evidence.is_canonical
        and not exists (
            select 1 from resolved
            where resolved.run_id = evidence.run_id
        )
),

scalars as (
    select
        stages.stage,
        coalesce(sum(files.lines), 0) as count_in,
        coalesce(sum(files.lines), 0) as count_lines,
        coalesce(sum(files.blank_lines), 0) as count_blank_lines,
        coalesce(sum(files.staged), 0) as count_staged,
        coalesce(sum(files.staged), 0) as count_exported,
        coalesce(sum(files.ingest_quarantined), 0) as count_quarantined,
        coalesce(sum(files.ingest_quarantined), 0) as count_ingest_quarantined,
        case when stages.stage = 'build-evidence' then (select unscored.unscored from unscored) end as count_unscored,
        case when stages.stage = 'score' then (select count(*) from resolved) end as count_runs,
        case
            when stages.stage = 'score' then (select coalesce(sum(resolved.superseded_scores), 0) from resolved)
        end as count_superseded
    from stages
    left join files
        on stages.input_kind = files.input_kind
    group by stages.stage
),

maps as (
    select
        stages.stage,
        'by_reason' as measure,
        quarantined.reason as key,
        count(*) as value
    from {{ ref('quarantine_ingest') }} as quarantined
    inner join files
        on quarantined.source_provenance.input_file = files.input_file  -- noqa: RF01
    inner join stages
        on files.input_kind = stages.input_kind
    group by stages.stage, quarantined.reason
    union all
    select
        'score' as stage,
        'by_category' as measure,
        category as key,
        count(*) as value
    from resolved
    group by category
),

{{ distill.counts_as_rows([
    ('in', 'count'), ('lines', 'count'), ('blank_lines', 'count'), ('staged', 'count'),
    ('exported', 'count'), ('quarantined', 'count'), ('ingest_quarantined', 'count'),
    ('by_reason', 'map'), ('unscored', 'count'), ('runs', 'count'), ('superseded', 'count'),
    ('by_category', 'map'),
]) }}
