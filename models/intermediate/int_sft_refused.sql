{# The runs int_sft_gated refused, as quarantine rows without their records (quarantine_sft adds them). #}
{{ config(materialized='table') }}
{{ distill.refused_runs('sft', 'int_sft_gated') }}
