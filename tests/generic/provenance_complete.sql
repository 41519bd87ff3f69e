{#-
  Invariant 5: an exported row's provenance is complete (SPEC §4: source_file non-blank,
  sig_hash non-blank without control characters, recorded_at present) and recorded_at is in the
  output form of SPEC §2.4 (UTC, whole seconds, `Z`). `sides` names the sub-structs to check
  when the column holds several provenances (preference pairs: chosen and rejected); without
  it the column itself is the provenance. Returns one row per incomplete provenance.
-#}
{% test provenance_complete(model, column_name, sides=none) %}
{%- set checks = [] -%}
{%- if sides is none -%}
  {%- do checks.append(('', column_name)) -%}
{%- else -%}
  {%- for side in sides -%}{%- do checks.append((side, column_name ~ '.' ~ side)) -%}{%- endfor -%}
{%- endif -%}
{%- for side, prov in checks %}
select
    '{{ side }}' as side,
    {{ prov }}.source_file as source_file,
    {{ prov }}.sig_hash as sig_hash,
    {{ prov }}.recorded_at as recorded_at
from {{ model }}
where
    {{ prov }} is null
    or {{ distill.is_blank(prov ~ '.source_file') }}
    or {{ distill.is_blank(prov ~ '.sig_hash') }}
    or {{ distill.has_control_char(prov ~ '.sig_hash') }}
    or {{ prov }}.recorded_at is null
    or not {{ distill.regex_full_match(prov ~ '.recorded_at', "'\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z'") }}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{% endtest %}
