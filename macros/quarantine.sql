{#
  The quarantine relations of the run-level exporters (rag, sft), and how every quarantine
  reads a refused row's records back from the framed lines by their line keys.
#}

{#- The record a staged line holds, as JSON, read again from its framed bytes (the line is a
    JSON object: only lines with status 'object' may be given). -#}
{% macro line_record(raw_expr) -%}
  {{ distill.as_json(distill.try_decode_utf8(raw_expr)) }}
{%- endmacro %}

{#- The framed lines whose line_id is among `wanted_ids` (a query of one column): the
    quarantines fetch whole records this way. The semi join hashes the wanted 8-byte ids and
    streams the lines past them, instead of hashing every line's bytes to join them to the
    refused rows. -#}
{% macro input_lines(wanted_ids) -%}
  select line_id, raw
  from {{ ref('base_substrate__lines') }}
  where line_id in ({{ wanted_ids }})
{%- endmacro %}

{#-
  The runs one run-level exporter (rag, sft) refused, as quarantine rows without their records:
  SPEC §5's id, exporter, reason, errors, run_id and source_provenance, and the line keys of the
  two records source_record is built from. A narrow table: the data tests read it, not the view.
-#}
{% macro refused_runs(exporter, gated) -%}
select
    {{ distill.quarantine_id(exporter, ['run_id']) }} as id,
    '{{ exporter }}' as exporter,
    reason,
    errors,
    run_id,
    {{ distill.source_provenance('score_input_file', 'score_input_line') }} as source_provenance,
    score_input_file,
    score_input_line,
    score_line_id,
    evidence_input_file,
    evidence_input_line,
    evidence_line_id
from {{ ref(gated) }}
where reason is not null
{%- endmacro %}

{#-
  A quarantine relation of one run-level exporter (rag, sft): its refused runs with their joined
  input, the scored-run and evidence records read from the framed lines by key. A view: the
  records are most of the input again, so they are built once, by the writer's COPY, straight
  into the file, and never stored a second time. Its rows are tested on `refused`.
-#}
{% macro run_quarantine(refused) -%}
with

refused as (
    select * from {{ ref(refused) }}
),

{# whole records are read from the framed lines by key, for the refused rows only #}
score_lines as (
    {{ distill.input_lines('select score_line_id from ' ~ ref(refused)) }}
),

evidence_lines as (
    {{ distill.input_lines('select evidence_line_id from ' ~ ref(refused)) }}
),

final as (
    select
        refused.id,
        refused.exporter,
        refused.reason,
        refused.errors,
        refused.run_id,
        {{ distill.json_object_of([
            ('scored_run', distill.line_record('score_lines.raw'), 'json'),
            ('evidence', distill.line_record('evidence_lines.raw'), 'json'),
        ]) }} as source_record,
        refused.source_provenance
    from refused
    left join score_lines
        on refused.score_line_id = score_lines.line_id
    left join evidence_lines
        on refused.evidence_line_id = evidence_lines.line_id
)

select * from final
{%- endmacro %}
