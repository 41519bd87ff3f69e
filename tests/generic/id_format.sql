{#-
  SPEC §5, invariant 6: an id is its prefix, a dash and 16 lowercase hex digits (the first 16
  of a sha256). Returns every row whose id is null or has another shape.
-#}
{% test id_format(model, column_name, prefix) %}
{%- if prefix not in ['rag', 'sft', 'pref', 'q'] -%}
  {{ exceptions.raise_compiler_error("id_format: prefix must be one of rag, sft, pref, q; got '" ~ prefix ~ "'") }}
{%- endif %}
select {{ column_name }} as bad_id
from {{ model }}
where
    {{ column_name }} is null
    or not {{ distill.regex_full_match(column_name, "'" ~ prefix ~ "-[0-9a-f]{16}'") }}
{% endtest %}
