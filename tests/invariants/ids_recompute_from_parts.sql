{#
  Invariant 6 (deterministic ids): every id recomputes from the row's own parts (SPEC §5),
  hex16 = the first 16 lowercase hex digits of sha256, parts joined by U+001F:
  - rag / sft: prefix + hex16(run_id ␟ provenance.sig_hash)
  - preference: pref- + hex16(C.run_id ␟ C.sig_hash ␟ R.run_id ␟ R.sig_hash)
  - quarantine: q- + hex16(exporter ␟ key ␟ reason), key = run_id (rag, sft),
    R.run_id ␟ C.run_id (preference; C's run_id read back from source_record),
    input_file:input_line (ingest). The exporter is written here, not read from the row.
  The rag and sft quarantine ids are read from int_rag_refused and int_sft_refused, which the
  quarantine_rag and quarantine_sft views pass through unchanged.
  The concatenation is written out here rather than through distill.export_id, so a change to
  that macro cannot move the ids and this test together; ids_known_answer pins sha256 itself.
#}
{%- set us = distill.unit_separator() -%}
{#- hex16.format(x): the first 16 hex digits of sha256(x), with the dispatched sha256 -#}
{%- set hex16 = "left(" ~ distill.sha256_hex("{}") ~ ", 16)" -%}
{%- set chosen_run_id = distill.list_at(distill.json_strings_at('q_pref.source_record', ['$.chosen.scored_run.run_id']), 1) -%}

with

rag as (
    select
        'rag_samples' as relation,
        rag.id,
        'rag-' || {{ hex16.format("rag.source_run_id || " ~ us ~ " || rag.provenance.sig_hash") }} as expected_id
    from {{ ref('rag_samples') }} as rag
),

sft as (
    select
        'sft_samples' as relation,
        sft.id,
        'sft-' || {{ hex16.format("sft.source_run_id || " ~ us ~ " || sft.provenance.sig_hash") }} as expected_id
    from {{ ref('sft_samples') }} as sft
),

preference as (
    select
        'preference_pairs' as relation,
        pref.id,
        'pref-' || {{ hex16.format(
            "pref.chosen_run_id || " ~ us ~ " || pref.provenance.chosen.sig_hash || " ~ us
            ~ " || pref.rejected_run_id || " ~ us ~ " || pref.provenance.rejected.sig_hash") }} as expected_id
    from {{ ref('preference_pairs') }} as pref
),

quarantine_rag as (
    select
        'quarantine_rag' as relation,
        q_rag.id,
        'q-' || {{ hex16.format("'rag' || " ~ us ~ " || q_rag.run_id || " ~ us ~ " || q_rag.reason") }} as expected_id
    from {{ ref('int_rag_refused') }} as q_rag
),

quarantine_sft as (
    select
        'quarantine_sft' as relation,
        q_sft.id,
        'q-' || {{ hex16.format("'sft' || " ~ us ~ " || q_sft.run_id || " ~ us ~ " || q_sft.reason") }} as expected_id
    from {{ ref('int_sft_refused') }} as q_sft
),

quarantine_preference as (
    select
        'quarantine_preference' as relation,
        q_pref.id,
        'q-' || {{ hex16.format(
            "'preference' || " ~ us ~ " || q_pref.run_id || " ~ us ~ " || " ~ chosen_run_id
            ~ " || " ~ us ~ " || q_pref.reason") }} as expected_id
    from {{ ref('quarantine_preference') }} as q_pref
),

quarantine_ingest as (
    select
        'quarantine_ingest' as relation,
        q_ingest.id,
        'q-' || {{ hex16.format(
            "'ingest' || " ~ us ~ " || q_ingest.source_provenance.input_file || ':' || "
            ~ "cast(q_ingest.source_provenance.input_line as varchar) || " ~ us ~ " || q_ingest.reason") }} as expected_id
    from {{ ref('quarantine_ingest') }} as q_ingest
),

all_ids as (
    select * from rag
    union all
    select * from sft
    union all
    select * from preference
    union all
    select * from quarantine_rag
    union all
    select * from quarantine_sft
    union all
    select * from quarantine_preference
    union all
    select * from quarantine_ingest
)

select * from all_ids
where expected_id is null or id <> expected_id
