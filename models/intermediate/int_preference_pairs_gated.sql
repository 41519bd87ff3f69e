{{ config(materialized='table') }}
{#
  SPEC §4.1: every candidate R that has a candidate C in its task with
  rank(C) - rank(R) >= min_gap becomes the rejected side of exactly one pair, whose chosen side
  is the best such C: highest rank, then latest recorded_at, then smallest run_id.

  Linear in the number of runs: per task only the best run of each rank can ever be chosen, so
  R is joined to at most three rows (one per rank), never to every other attempt of its task.

  Each pair carries its verdict: `reason` is the first failing pair gate (null: exported),
  `errors` one message per failing gate.
#}
{%- set min_gap = distill.preference_min_gap() -%}
{%- set gates = [
    ('self_pairing', 'fails_self_pairing', "'chosen and rejected are the same run'"),
    ('invalid_preference_pairing', 'fails_invalid_pairing',
        distill.list_join(distill.compact_list([
            "case when texts_equal then 'chosen and rejected texts are equal after trim' end",
            "case when instructions_differ then 'chosen and rejected instructions differ' end",
            "case when chosen_is_instruction_blank then 'the chosen run has no instruction to use as the prompt' end",
        ]), "'; '")),
    ('hallucinated_file_path', 'fails_hallucinated_file_path',
        "'chosen run: ' || " ~ distill.file_refs_message()),
    ('secret_detected', 'fails_secret_detected',
        "'secret in ' || " ~ distill.list_join(distill.compact_list([
            "case when " ~ distill.list_len('secrets_in_prompt') ~ " > 0 then 'prompt (' || " ~ distill.list_join('secrets_in_prompt', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_chosen') ~ " > 0 then 'chosen (' || " ~ distill.list_join('secrets_in_chosen', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_rejected') ~ " > 0 then 'rejected (' || " ~ distill.list_join('secrets_in_rejected', "', '") ~ " || ')' end",
            "case when " ~ distill.list_len('secrets_in_reason') ~ " > 0 then 'reason (' || " ~ distill.list_join('secrets_in_reason', "', '") ~ " || ')' end",
        ]), "', '")),
] -%}
-- depends_on: {{ ref('secret_patterns') }}

with

candidates as (
    select * from {{ ref('int_preference_candidates') }}
),

best_of_rank as (
    select
        task_id,
        preference_rank,
        run_id
    from candidates
    qualify row_number() over (
        partition by task_id, preference_rank
        order by prov_recorded_at desc, run_id asc
    ) = 1
),

matched as (
    select
        rejected.run_id as rejected_run_id,
        best.run_id as chosen_run_id
    from candidates as rejected
    inner join best_of_rank as best
        on
            rejected.task_id = best.task_id
            and best.preference_rank - rejected.preference_rank >= {{ min_gap }}
    qualify row_number() over (
        partition by rejected.run_id
        order by best.preference_rank desc
    ) = 1
),

pairs as (
    select
        matched.rejected_run_id,
        matched.chosen_run_id,
        chosen.task_id,
        chosen.instruction as prompt,
        chosen.text as chosen_text,
        rejected.text as rejected_text,
        chosen.category as chosen_score,
        rejected.category as rejected_score,
        {# SPEC §5: the reason names both scores, then the chosen run's rationale when non-blank #}
        'chosen scored ''' || chosen.category || ''' | rejected scored ''' || rejected.category || ''''
        || case when not {{ distill.is_blank('chosen.rationale') }} then ' | chosen-rationale: ' || chosen.rationale else '' end
            as reason_text,
        chosen.prov_source_file as chosen_source_file,
        chosen.prov_line as chosen_line,
        chosen.prov_sig_hash as chosen_sig_hash,
        chosen.recorded_at as chosen_recorded_at,
        rejected.prov_source_file as rejected_source_file,
        rejected.prov_line as rejected_line,
        rejected.prov_sig_hash as rejected_sig_hash,
        rejected.recorded_at as rejected_recorded_at,
        greatest(chosen.prov_recorded_at, rejected.prov_recorded_at) as created_at_ts,
        chosen.unsafe_file_refs,
        chosen.unlisted_file_refs,
        chosen.secrets_in_instruction as secrets_in_prompt,
        chosen.secrets_in_text as secrets_in_chosen,
        rejected.secrets_in_text as secrets_in_rejected,
        chosen.is_instruction_blank as chosen_is_instruction_blank,
        rejected.is_instruction_blank as rejected_is_instruction_blank,
        chosen.instruction as chosen_instruction,
        rejected.instruction as rejected_instruction,
        chosen.score_input_file as chosen_score_input_file,
        chosen.score_input_line as chosen_score_input_line,
        chosen.score_line_id as chosen_score_line_id,
        chosen.evidence_input_file as chosen_evidence_input_file,
        chosen.evidence_input_line as chosen_evidence_input_line,
        chosen.evidence_line_id as chosen_evidence_line_id,
        rejected.score_input_file,
        rejected.score_input_line,
        rejected.score_line_id,
        rejected.evidence_input_file as rejected_evidence_input_file,
        rejected.evidence_input_line as rejected_evidence_input_line,
        rejected.evidence_line_id as rejected_evidence_line_id
    from matched
    inner join candidates as chosen
        on matched.chosen_run_id = chosen.run_id
    inner join candidates as rejected
        on matched.rejected_run_id = rejected.run_id
),

checked as (
    select
        *,
        {{ distill.export_id('pref', ['chosen_run_id', 'chosen_sig_hash', 'rejected_run_id', 'rejected_sig_hash']) }} as id,
        {{ distill.secret_matches('reason_text') }} as secrets_in_reason,
        {{ distill.trim_ws('chosen_text') }} = {{ distill.trim_ws('rejected_text') }} as texts_equal,
        (
            not chosen_is_instruction_blank and not rejected_is_instruction_blank
            and {{ distill.trim_ws('chosen_instruction') }} <> {{ distill.trim_ws('rejected_instruction') }}
        ) as instructions_differ
    from pairs
),

flagged as (
    select
        *,
        chosen_run_id = rejected_run_id as fails_self_pairing,
        texts_equal or instructions_differ or chosen_is_instruction_blank as fails_invalid_pairing,
        {{ distill.list_len('unsafe_file_refs') }} > 0 or {{ distill.list_len('unlisted_file_refs') }} > 0
            as fails_hallucinated_file_path,
        (
            {{ distill.list_len('secrets_in_prompt') }} > 0
            or {{ distill.list_len('secrets_in_chosen') }} > 0
            or {{ distill.list_len('secrets_in_rejected') }} > 0
            or {{ distill.list_len('secrets_in_reason') }} > 0
        ) as fails_secret_detected
    from checked
),

gated as (
    select
        *,
        {{ distill.gate_reason(gates) }} as reason,
        {{ distill.gate_errors(gates) }} as errors
    from flagged
),

final as (
    {{ distill.duplicate_id_gate('gated', 'id', 'rejected_run_id, chosen_run_id', "rejected_run_id || ' / ' || chosen_run_id") }}
)

select * from final
