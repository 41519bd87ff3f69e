{# SPEC §5 quarantine rows of the RAG exporter: every run int_rag_gated refused. #}
{{ distill.run_quarantine('rag', 'int_rag_gated') }}
