{# The runs int_rag_gated refused, as quarantine rows without their records (quarantine_rag adds them). #}
{{ config(materialized='table') }}
{{ distill.refused_runs('rag', 'int_rag_gated') }}
