{{ config(materialized='table') }}
{#
  SPEC §4.1: every candidate R that has a candidate C in its task with
  rank(C) - rank(R) >= min_gap becomes the rejected side of exactly one pair, whose chosen side
  is the best such C: highest rank, then latest recorded_at, then smallest run_id.

  Linear in the number of runs: per task only the best run of each rank can ever be chosen, so
  R is joined to at most three rows (one per rank), never to every other attempt of its task.

  Each pair carries its verdict: each gate is a `<reason>_error` column (its message when the
  pair fails it, null when it passes); `reason` is the first failing gate (null: exported),
  `errors` one message per failing gate.
#}
{%- set min_gap = distill.preference_min_gap() -%}
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
    from (
        select
            task_id,
            preference_rank,
            run_id,
            row_number() over (
                partition by task_id, preference_rank
                order by prov_recorded_at desc, run_id asc
            ) as place
        from candidates
    ) as ranked
    where place = 1
),

matched as (
    select
        rejected_run_id,
        chosen_run_id
    from (
        select
            rejected.run_id as rejected_run_id,
            best.run_id as chosen_run_id,
            row_number() over (
                partition by rejected.run_id
                order by best.preference_rank desc
            ) as place
        from candidates as rejected
        inner join best_of_rank as best
            on
                rejected.task_id = best.task_id
                and best.preference_rank - rejected.preference_rank >= {{ min_gap }}
    ) as ranked
    where place = 1
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
        chosen.hallucinated_file_path_error as chosen_file_refs_error,
        chosen.secrets_in_instruction as secrets_in_prompt,
        chosen.secrets_in_text as secrets_in_chosen,
        rejected.secrets_in_text as secrets_in_rejected,
        chosen.eval_in_instruction as eval_in_prompt,
        chosen.eval_in_text as eval_in_chosen,
        rejected.eval_in_text as eval_in_rejected,
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
        case when chosen_run_id = rejected_run_id then 'chosen and rejected are the same run' end as self_pairing_error,
        nullif(concat_ws(
            '; ',
            case when texts_equal then 'chosen and rejected texts are equal after trim' end,
            case when instructions_differ then 'chosen and rejected instructions differ' end,
            case when chosen_is_instruction_blank then 'the chosen run has no instruction to use as the prompt' end
        ), '') as invalid_preference_pairing_error,
        {# R's file_refs are not checked: that may be why it was rejected #}
        'chosen run: ' || chosen_file_refs_error as hallucinated_file_path_error,
        {{ distill.secret_error([
            ('prompt', 'secrets_in_prompt'),
            ('chosen', 'secrets_in_chosen'),
            ('rejected', 'secrets_in_rejected'),
            ('reason', 'secrets_in_reason'),
        ]) }} as secret_detected_error,
        {{ distill.eval_error([
            ('prompt', 'eval_in_prompt'),
            ('chosen', 'eval_in_chosen'),
            ('rejected', 'eval_in_rejected'),
        ]) }} as eval_contaminated_error
    from checked
),

gated as (
    select
        *,
        {{ distill.gate_verdict([
            'self_pairing',
            'invalid_preference_pairing',
            'hallucinated_file_path',
            'secret_detected',
            'eval_contaminated',
        ]) }}
    from flagged
),

final as (
    {{ distill.duplicate_id_gate('gated', [
        'id', 'rejected_run_id', 'chosen_run_id', 'task_id', 'prompt', 'chosen_text', 'rejected_text',
        'chosen_score', 'rejected_score', 'reason_text',
        'chosen_source_file', 'chosen_line', 'chosen_sig_hash', 'chosen_recorded_at',
        'rejected_source_file', 'rejected_line', 'rejected_sig_hash', 'rejected_recorded_at', 'created_at_ts',
        'chosen_score_input_file', 'chosen_score_input_line', 'chosen_score_line_id',
        'chosen_evidence_input_file', 'chosen_evidence_input_line', 'chosen_evidence_line_id',
        'score_input_file', 'score_input_line', 'score_line_id',
        'rejected_evidence_input_file', 'rejected_evidence_input_line', 'rejected_evidence_line_id',
    ], 'id', ['rejected_run_id', 'chosen_run_id'], "rejected_run_id || ' / ' || chosen_run_id") }}
)

select * from final
