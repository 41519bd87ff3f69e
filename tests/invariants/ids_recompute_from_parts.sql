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
{%- set chosen_run_id = distill.json_string_at('source_record', '$.chosen.scored_run.run_id') -%}

{#- (relation as named in errors, model, the row's expected id from its own parts) -#}
{%- set checks = [
    ('rag_samples', 'rag_samples',
        "'rag-' || " ~ hex16.format("source_run_id || " ~ us ~ " || provenance.sig_hash")),
    ('sft_samples', 'sft_samples',
        "'sft-' || " ~ hex16.format("source_run_id || " ~ us ~ " || provenance.sig_hash")),
    ('preference_pairs', 'preference_pairs',
        "'pref-' || " ~ hex16.format(
            "chosen_run_id || " ~ us ~ " || provenance.chosen.sig_hash || " ~ us
            ~ " || rejected_run_id || " ~ us ~ " || provenance.rejected.sig_hash")),
    ('quarantine_rag', 'int_rag_refused',
        "'q-' || " ~ hex16.format("'rag' || " ~ us ~ " || run_id || " ~ us ~ " || reason")),
    ('quarantine_sft', 'int_sft_refused',
        "'q-' || " ~ hex16.format("'sft' || " ~ us ~ " || run_id || " ~ us ~ " || reason")),
    ('quarantine_preference', 'quarantine_preference',
        "'q-' || " ~ hex16.format(
            "'preference' || " ~ us ~ " || run_id || " ~ us ~ " || " ~ chosen_run_id ~ " || " ~ us ~ " || reason")),
    ('quarantine_ingest', 'quarantine_ingest',
        "'q-' || " ~ hex16.format(
            "'ingest' || " ~ us ~ " || source_provenance.input_file || ':' || "
            ~ "cast(source_provenance.input_line as string) || " ~ us ~ " || reason")),
] -%}

{#- sqlfluff's layout rule is off for the loop alone, as in quarantine_reasons_allowed -#}
-- noqa: disable=LT02
{%- set all_ids -%}
    {%- for relation, model, expected in checks %}
    select
        '{{ relation }}' as relation,
        id,
        {{ expected }} as expected_id
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endset %}
-- noqa: enable=LT02

with

all_ids as (
    {{ all_ids }}
)

select * from all_ids
where expected_id is null or id <> expected_id
