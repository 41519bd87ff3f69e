{# Pieces of the row rules that tests/generic/row_contract.sql checks. #}

{#- A row's key as one text, its columns joined by '|' (to name an offending row). -#}
{% macro key_text(columns) -%}
  concat_ws('|', {% for column in columns %}cast({{ column }} as {{ dbt.type_string() }}){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Invariant 5: a provenance is incomplete when it is missing, when source_file or sig_hash is
    blank, when sig_hash holds a control character (SPEC §4), or when recorded_at is not in the
    output form of SPEC §2.4 (UTC, whole seconds, `Z`). -#}
{% macro provenance_incomplete(prov) -%}
  ({{ prov }} is null
    or {{ distill.is_blank(prov ~ '.source_file') }}
    or {{ distill.is_blank(prov ~ '.sig_hash') }}
    or {{ distill.has_control_char(prov ~ '.sig_hash') }}
    or {{ prov }}.recorded_at is null
    or not {{ distill.regex_full_match(prov ~ '.recorded_at', "'\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z'") }})
{%- endmacro %}

{#- A list with at least one entry, none blank (quarantine `errors`, SPEC §5), fails this. -#}
{% macro list_empty_or_blank(expr) -%}
  ({{ expr }} is null
    or {{ distill.list_len(expr) }} = 0
    or {{ distill.list_any(expr, 'entry', distill.is_blank('entry')) }})
{%- endmacro %}
