{#
  Invariant 3 (no fabricated preference pairs), checked against the runs themselves
  (int_runs_joined), not against the pairing model's own columns:
  - chosen and rejected are two different runs, both scored;
  - both runs carry the pair's task_id, compared verbatim (no trim, no case folding);
  - rank(chosen) - rank(rejected) >= preference_min_gap, with the ranks of SPEC §4.1 stated
    here (accepted 3, partially_accepted 2, rejected 1) and the runs' latest scores;
  - the scores, prompt and texts are the runs' own (prompt = the chosen run's instruction);
  - the two texts differ after trim (SPEC §2 whitespace).
#}
{%- set min_gap = distill.preference_min_gap() -%}

with

pairs as (
    select * from {{ ref('preference_pairs') }}
),

{# the paired runs only: this CTE is read twice, and DuckDB materialises it whole (with every
   run's text it held every run and its text) #}
runs as (
    select
        joined_runs.*,
        evidence.text
    from {{ ref('int_runs_joined') }} as joined_runs
    left join {{ ref('stg_substrate__evidence') }} as evidence
        on joined_runs.evidence_line_id = evidence.line_id
    where joined_runs.run_id in (
        select paired.chosen_run_id from pairs as paired
        union all
        select paired.rejected_run_id from pairs as paired
    )
),

joined as (
    select
        pairs.id,
        pairs.task_id,
        pairs.chosen_run_id,
        pairs.rejected_run_id,
        pairs.chosen_score,
        pairs.rejected_score,
        pairs.prompt,
        pairs.chosen,
        pairs.rejected,
        chosen_run.run_id is not null as chosen_exists,
        rejected_run.run_id is not null as rejected_exists,
        chosen_run.task_id as chosen_task_id,
        rejected_run.task_id as rejected_task_id,
        chosen_run.category as chosen_category,
        rejected_run.category as rejected_category,
        chosen_run.instruction as chosen_instruction,
        chosen_run.text as chosen_run_text,
        rejected_run.text as rejected_run_text,
        case chosen_run.category
            when 'accepted' then 3
            when 'partially_accepted' then 2
            when 'rejected' then 1
        end as chosen_rank,
        case rejected_run.category
            when 'accepted' then 3
            when 'partially_accepted' then 2
            when 'rejected' then 1
        end as rejected_rank,
        {{ distill.trim_ws('pairs.chosen') }} = {{ distill.trim_ws('pairs.rejected') }} as texts_equal_after_trim
    from pairs
    left join runs as chosen_run
        on pairs.chosen_run_id = chosen_run.run_id
    left join runs as rejected_run
        on pairs.rejected_run_id = rejected_run.run_id
),

checked as (
    select
        *,
        case
            when chosen_run_id is null or rejected_run_id is null
                then 'a side has no run_id'
            when chosen_run_id = rejected_run_id
                then 'chosen and rejected are the same run'
            when not chosen_exists or not rejected_exists
                then 'a side is not a scored run'
            when
                task_id is null or chosen_task_id is null or rejected_task_id is null
                or chosen_task_id <> task_id or rejected_task_id <> task_id
                then 'the runs do not share the pair''s task_id'
            when
                chosen_score is null or rejected_score is null
                or chosen_score <> chosen_category or rejected_score <> rejected_category
                then 'a score is not the run''s latest score'
            when chosen_rank is null or rejected_rank is null
                then 'a side''s category has no preference rank'
            when chosen_rank - rejected_rank < {{ min_gap }}
                then 'chosen does not outrank rejected by preference_min_gap ({{ min_gap }})'
            when prompt is null or chosen_instruction is null or prompt <> chosen_instruction
                then 'prompt is not the chosen run''s instruction'
            when
                chosen is null or chosen_run_text is null or chosen <> chosen_run_text
                or rejected is null or rejected_run_text is null or rejected <> rejected_run_text
                then 'a text is not its run''s text'
            when texts_equal_after_trim or texts_equal_after_trim is null
                then 'chosen and rejected texts are equal after trim'
        end as violation
    from joined
)

select * from checked
where violation is not null
