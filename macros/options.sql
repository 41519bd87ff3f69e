{#- SPEC §4.1 --min-gap: 1 or 2; anything else stops the build before a row is read. -#}
{% macro preference_min_gap() -%}
  {%- set gap = var('preference_min_gap') | string -%}
  {%- if gap not in ['1', '2'] -%}
    {{ exceptions.raise_compiler_error("distill: preference_min_gap must be 1 or 2, got '" ~ gap ~ "'") }}
  {%- endif -%}
  {{- return(gap | int) -}}
{%- endmacro %}

{#- Boolean vars arrive as booleans from YAML or as strings from the command line. -#}
{% macro flag(name) -%}
  {{- return((var(name) | string | lower) in ['true', '1', 'yes']) -}}
{%- endmacro %}

{#-
  SPEC §5.1 --eval-fraction F, a decimal in [0, 0.5], as the split threshold: a row is `test`
  when the first 16 hex digits of sha256(split key), read as an integer h, have h / 2^64 < F,
  that is h < ceil(F * 2^64). Returned as 16 lowercase hex digits, so that the split is a
  comparison of two hex strings of one width (byte order = numeric order), exact on every
  engine. F = 0 gives 0000000000000000: nothing is below it, every row is `train`.
-#}
{% macro eval_split_threshold() -%}
  {%- set raw = var('eval_fraction') | string | trim -%}
  {%- set parts = raw.split('.') -%}
  {%- set whole = parts[0] if parts[0] else '0' -%}
  {%- set fraction = parts[1] if parts | length == 2 else '' -%}
  {%- if parts | length > 2 or not (whole ~ fraction).isdigit() -%}
    {{ exceptions.raise_compiler_error("distill: eval_fraction must be a decimal between 0 and 0.5, got '" ~ raw ~ "'") }}
  {%- endif -%}
  {%- set numerator = (whole ~ fraction) | int -%}
  {%- set denominator = 10 ** (fraction | length) -%}
  {%- if 2 * numerator > denominator -%}
    {{ exceptions.raise_compiler_error("distill: eval_fraction must be a decimal between 0 and 0.5, got '" ~ raw ~ "'") }}
  {%- endif -%}
  {%- set threshold = (numerator * 2 ** 64 + denominator - 1) // denominator -%}
  {{- return('%016x' | format(threshold)) -}}
{%- endmacro %}
