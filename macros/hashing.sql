{# Hashes and the SPEC §5 ids built from them. #}

{% macro sha256_hex(expr) %}{{ return(adapter.dispatch('sha256_hex', 'distill')(expr)) }}{% endmacro %}
{% macro default__sha256_hex(expr) %}{{ distill._unsupported('sha256_hex') }}{% endmacro %}
{% macro duckdb__sha256_hex(expr) %}sha256({{ expr }}){% endmacro %}
{% macro spark__sha256_hex(expr) %}sha2({{ expr }}, 256){% endmacro %}

{#- A 64-bit hash of a value, as an unsigned integer: for order-free checksums in tests. -#}
{% macro hash64(expr) %}{{ return(adapter.dispatch('hash64', 'distill')(expr)) }}{% endmacro %}
{% macro default__hash64(expr) %}{{ distill._unsupported('hash64') }}{% endmacro %}
{% macro duckdb__hash64(expr) %}hash({{ expr }}){% endmacro %}
{% macro spark__hash64(expr) %}xxhash64({{ expr }}){% endmacro %}

{#- The unit separator U+001F that joins id parts (SPEC §5). -#}
{% macro unit_separator() %}{{ return(adapter.dispatch('unit_separator', 'distill')()) }}{% endmacro %}
{% macro default__unit_separator() %}{{ distill._unsupported('unit_separator') }}{% endmacro %}
{% macro duckdb__unit_separator() %}chr(31){% endmacro %}
{% macro spark__unit_separator() %}chr(31){% endmacro %}

{#-
  SPEC §5: prefix + hex16(part1 ␟ part2 ...). Every part is coalesced to '' before it is
  concatenated: engines disagree on null || 'x', and an id must never be null.
-#}
{% macro export_id(prefix, parts) %}
  '{{ prefix }}-' || left({{ distill.sha256_hex(distill.join_parts(parts)) }}, 16)
{%- endmacro %}

{% macro join_parts(parts) -%}
  {%- for part in parts -%}
    coalesce(cast({{ part }} as string), '')
    {%- if not loop.last %} || {{ distill.unit_separator() }} || {% endif -%}
  {%- endfor -%}
{%- endmacro %}
