{# The export-sft receipt's record_counts (SPEC §6), one row per count; see macros/reports.sql. #}
{{ distill.exporter_counts('export-sft', 'int_sft_gated') }}
