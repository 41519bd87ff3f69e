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
  {%- set fraction = distill.decimal_var('eval_fraction', [0, 1], [1, 2]) -%}
  {%- set numerator, denominator = fraction[0], fraction[1] -%}
  {%- set threshold = (numerator * 2 ** 64 + denominator - 1) // denominator -%}
  {{- return('%016x' | format(threshold)) -}}
{%- endmacro %}

{#-
  A decimal var (digits, an optional point and fraction digits) as an exact fraction
  [numerator, denominator], denominator a power of ten; a compiler error unless it lies
  within [low, high], each given as a fraction [n, d]. Options stay exact: no floating point
  decides a row's split or its refusal.
-#}
{% macro decimal_var(name, low, high) -%}
  {%- set raw = var(name) | string | trim -%}
  {%- set parts = raw.split('.') -%}
  {%- set whole = parts[0] if parts[0] else '0' -%}
  {%- set digits = parts[1] if parts | length == 2 else '' -%}
  {%- set numerator = (whole ~ digits) | int if (parts | length <= 2 and (whole ~ digits).isdigit()) else -1 -%}
  {%- set denominator = 10 ** (digits | length) -%}
  {%- if numerator < 0 or numerator * low[1] < low[0] * denominator or numerator * high[1] > high[0] * denominator -%}
    {{ exceptions.raise_compiler_error("distill: " ~ name ~ " must be a decimal from " ~ low[0] / low[1] ~ " to " ~ high[0] / high[1] ~ ", got '" ~ raw ~ "'") }}
  {%- endif -%}
  {{- return([numerator, denominator]) -}}
{%- endmacro %}
