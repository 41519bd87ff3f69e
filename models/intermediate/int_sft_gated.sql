{#
  SPEC §4, SFT: every scored run with its verdict, int_sft_checked's with the last gate,
  near_duplicate (§4.3), applied: a row that passed every earlier gate and is not the one kept
  of its component of similar rows (int_near_dup_verdicts). sft_samples and quarantine_sft
  are filters over this model. A view: it changes the verdict of a few rows of a table.
#}
{{ distill.near_duplicate_gate('int_sft_checked', 'sft') }}
