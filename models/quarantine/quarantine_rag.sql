{#
  SPEC §5 quarantine rows of the RAG exporter (`exports/quarantine/rag.jsonl`): every run
  int_rag_gated refused (int_rag_refused), with its records. A view (see run_quarantine).
#}
{{ config(materialized=distill.written_from('view')) }}
{{ distill.run_quarantine('int_rag_refused') }}
