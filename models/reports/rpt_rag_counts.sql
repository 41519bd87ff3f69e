{# The export-rag receipt's record_counts (SPEC §6), one row per count; see macros/reports.sql. #}
{{ distill.exporter_counts('export-rag', 'int_rag_gated') }}
