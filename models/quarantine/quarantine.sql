{{ config(materialized=distill.written_from('view')) }}
{# Every refused row of every exporter, ingest included: the relation people query. #}
with

ingest as (
    select * from {{ ref('quarantine_ingest') }}
),

rag as (
    select * from {{ ref('quarantine_rag') }}
),

sft as (
    select * from {{ ref('quarantine_sft') }}
),

preference as (
    select * from {{ ref('quarantine_preference') }}
),

final as (
    select * from ingest
    union all
    select * from rag
    union all
    select * from sft
    union all
    select * from preference
)

select * from final
