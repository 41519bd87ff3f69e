{#
  SPEC §5 quarantine rows of the SFT exporter (`exports/quarantine/sft.jsonl`): every run
  int_sft_gated refused (int_sft_refused), with its records. A view (see run_quarantine).
#}
{{ config(materialized=distill.written_from('view')) }}
{{ distill.run_quarantine('int_sft_refused') }}
