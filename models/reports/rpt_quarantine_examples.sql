{#
  The report's two example rows per stage and reason (docs/report.md): the two smallest
  quarantine ids, so a person can open them with `distill sql`. Read from the narrow refused
  tables, never from the quarantine views that join each row's records back in. An ingest row
  belongs to build-evidence or score by the kind of its input file.
#}
with

rag as (
    select * from {{ ref('int_rag_refused') }}
),

sft as (
    select * from {{ ref('int_sft_refused') }}
),

ingest as (
    select * from {{ ref('quarantine_ingest') }}
),

preference as (
    select * from {{ ref('quarantine_preference') }}
),

{# one kind per file, should a path be given as evidence and as scored runs alike #}
file_kinds as (
    select
        input_file,
        min(input_kind) as input_kind
    from {{ ref('rpt_input_files_accounted') }}
    where input_kind in ('evidence', 'scored')
    group by input_file
),

refused as (
    select
        'export-rag' as stage,
        rag.exporter,
        rag.reason,
        rag.id
    from rag
    union all
    select
        'export-sft' as stage,
        sft.exporter,
        sft.reason,
        sft.id
    from sft
    union all
    select
        case when file_kinds.input_kind = 'evidence' then 'build-evidence' else 'score' end as stage,
        ingest.exporter,
        ingest.reason,
        ingest.id
    from ingest
    left join file_kinds
        on ingest.source_provenance.input_file = file_kinds.input_file  -- noqa: RF01
    union all
    select
        'export-preference' as stage,
        preference.exporter,
        preference.reason,
        preference.id
    from preference
),

firsts as (
    select
        refused.stage,
        refused.exporter,
        refused.reason,
        min(refused.id) as id
    from refused
    group by refused.stage, refused.exporter, refused.reason
),

{# a second pass for the runner-up: two hash aggregations, no sort of every refused id #}
seconds as (
    select
        refused.stage,
        refused.exporter,
        refused.reason,
        min(refused.id) as id
    from refused
    inner join firsts
        on
            refused.stage = firsts.stage
            and refused.reason = firsts.reason
    where refused.id > firsts.id
    group by refused.stage, refused.exporter, refused.reason
),

examples as (
    select
        firsts.stage,
        firsts.exporter,
        firsts.reason,
        1 as example,
        firsts.id
    from firsts
    union all
    select
        seconds.stage,
        seconds.exporter,
        seconds.reason,
        2 as example,
        seconds.id
    from seconds
),

final as (
    select
        cast(stage as string) as stage,
        cast(exporter as string) as exporter,
        cast(reason as string) as reason,
        cast(example as integer) as example,
        cast(id as string) as id
    from examples
)

select * from final
