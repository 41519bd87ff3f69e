{# SPEC §5 quarantine rows of the SFT exporter: every run int_sft_gated refused. #}
{{ distill.run_quarantine('sft', 'int_sft_gated') }}
