{#
  SPEC §4.2 reason taxonomy: every quarantine row's reason is listed in
  seeds/quarantine_reasons.csv and allowed there for the row's exporter, and the row sits in its
  exporter's relation (quarantine_rag holds only `rag` rows, ...). This test reads the reasons
  seed on purpose: SPEC §4.2 makes the seed the list. It reads the four exporter relations and
  the `quarantine` union, so a row the union drops or invents is caught as well.
#}
with

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

by_exporter as (
    select
        'ingest' as relation_exporter,
        id,
        exporter,
        reason
    from {{ ref('quarantine_ingest') }}
    union all
    select
        'rag' as relation_exporter,
        id,
        exporter,
        reason
    from {{ ref('quarantine_rag') }}
    union all
    select
        'sft' as relation_exporter,
        id,
        exporter,
        reason
    from {{ ref('quarantine_sft') }}
    union all
    select
        'preference' as relation_exporter,
        id,
        exporter,
        reason
    from {{ ref('quarantine_preference') }}
),

union_rows as (
    select
        id,
        exporter,
        reason
    from {{ ref('quarantine') }}
),

looked_up as (
    select
        by_exporter.relation_exporter,
        by_exporter.id,
        by_exporter.exporter,
        by_exporter.reason,
        reasons.reason is not null as is_listed,
        case by_exporter.exporter
            when 'ingest' then reasons.ingest
            when 'rag' then reasons.rag
            when 'sft' then reasons.sft
            when 'preference' then reasons.preference
        end as is_allowed
    from by_exporter
    left join reasons
        on by_exporter.reason = reasons.reason
),

checked as (
    select
        relation_exporter,
        id,
        exporter,
        reason,
        case
            when exporter is null or exporter <> relation_exporter
                then 'exporter is not ' || relation_exporter
            when not is_listed
                then 'reason is not listed in seeds/quarantine_reasons.csv'
            when not coalesce(is_allowed, false)
                then 'reason is not allowed for exporter ' || exporter
        end as violation
    from looked_up
),

union_mismatch as (
    select
        by_exporter.relation_exporter,
        coalesce(union_rows.id, by_exporter.id) as id,
        coalesce(union_rows.exporter, by_exporter.exporter) as exporter,
        coalesce(union_rows.reason, by_exporter.reason) as reason,
        case
            when by_exporter.id is null then 'in quarantine but in no exporter''s relation'
            else 'in quarantine_' || by_exporter.relation_exporter || ' but not in quarantine'
        end as violation
    from union_rows
    full outer join by_exporter
        on
            union_rows.id = by_exporter.id
            and union_rows.exporter = by_exporter.exporter
            and union_rows.reason = by_exporter.reason
    where union_rows.id is null or by_exporter.id is null
)

select * from checked
where violation is not null
union all
select * from union_mismatch
