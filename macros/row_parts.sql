{# The parts of SPEC §5 rows that several models build alike. #}

{#- SPEC §5 provenance object of an exported row, keys in SPEC order. -#}
{% macro provenance_struct(prefix='prov_', recorded_at='recorded_at') -%}
  {{ distill.struct_of([
      ('source_file', prefix ~ 'source_file'),
      ('line', prefix ~ 'line'),
      ('sig_hash', prefix ~ 'sig_hash'),
      ('recorded_at', recorded_at),
  ]) }}
{%- endmacro %}

{#- SPEC §5 quarantine id: q- + hex16(exporter ␟ key ␟ reason). -#}
{% macro quarantine_id(exporter, key_parts) -%}
  {{ distill.export_id('q', ["'" ~ exporter ~ "'"] + key_parts + ['reason']) }}
{%- endmacro %}

{#- SPEC §5 quarantine source_provenance: the input line the row came from. -#}
{% macro source_provenance(file_expr, line_expr) -%}
  {{ distill.struct_of([('input_file', file_expr), ('input_line', line_expr)]) }}
{%- endmacro %}


{#- A conversation of one turn, in TRL's conversational format: [{role, content}]. -#}
{% macro chat_turn(role, content) -%}
  {{ distill.list_of([distill.struct_of([('role', "'" ~ role ~ "'"), ('content', content)])]) }}
{%- endmacro %}

{#-
  SPEC §5.1: the Hub folder's split of a row, `test` or `train`, from its split key (the task_id
  when non-blank, else the run id), so every attempt at one task lands in one split.
-#}
{% macro hub_split(task_id, run_id) -%}
  case
    when left({{ distill.sha256_hex(
        "case when " ~ distill.is_blank(task_id) ~ " then " ~ run_id ~ " else " ~ task_id ~ " end") }}, 16)
        < '{{ distill.eval_split_threshold() }}'
      then 'test'
    else 'train'
  end
{%- endmacro %}
