{# SPEC §4.3 quality gates: tokens, windows, their hash codes, and the options that switch them on. #}

{#- --eval-set: the eval gate is on when the var names a file (distill passes the files it
    expanded in input_files, kind 'eval'; `dbt build` alone takes eval_set_path). -#}
{% macro eval_gate_on() -%}
  {%- for kind, path, location in distill.input_files() -%}
    {%- if kind == 'eval' %}{{ return(true) }}{% endif -%}
  {%- endfor -%}
  {{- return(false) -}}
{%- endmacro %}

{#- --near-dup: on or off (a boolean var). -#}
{% macro near_dup_on() -%}
  {{- return(distill.flag('near_dup')) -}}
{%- endmacro %}

{#-
  --near-dup-threshold T, a decimal in [0.5, 1], as a fraction (numerator, denominator) of
  integers: a pair is similar when inter * denominator >= numerator * union, exact on every
  engine (no floating point decides a refusal).
-#}
{% macro near_dup_threshold() -%}
  {%- set threshold = distill.decimal_var('near_dup_threshold', [1, 2], [1, 1]) -%}
  {{- return(threshold) -}}
{%- endmacro %}

{#-
  The LSH banding of the near-dup sketches for threshold T: (rows per band r, bands per sketch,
  bands to agree on m). There are near_dup_sketches() one-permutation MinHash sketches of 128
  bins each, b bands of r bins over all of them; a pair is a candidate when its rows agree on at
  least m bands (a bin empty in both rows agrees; a band empty in both does not count, so two
  short texts are never candidates through their empty bands). A pair of Jaccard J agrees on a
  band with probability J^r, so it is found with probability P(X >= m), X binomial over b bands.
  Of the (r, m), m <= 3, that find a pair at J = T + 0.05 with probability 0.999 and one at J = T
  at least as often as the best of one band (m = 1, r the largest), the one that finds fewest
  pairs at J = T - 0.2: the candidates are mostly pairs well below T, each one verified at a
  cost. At T 0.8 that is 36 bands of 7 to agree on 3 instead of 28 of 9 on 1: 583K candidates
  instead of 1.41M at 1M runs, more edges found (docs/quality-gates.md). At T 0.6 and below it
  is still one band of 4 or 3. Two sketches of 128 bins rather than one of 256: a set has about
  250 codes, and a 256-bin sketch of it leaves a third of its bins empty, which two unrelated
  rows would agree on (docs/quality-gates.md).
-#}
{% macro near_dup_sketches() %}{{ return(2) }}{% endmacro %}
{% macro near_dup_banding() -%}
  {%- set t = near_dup_threshold() -%}
  {%- set at = t[0] / t[1] -%}
  {%- set high = [at + 0.05, 1.0] | min -%}
  {%- set low = [at - 0.2, 0.0] | max -%}
  {%- set sketches = near_dup_sketches() -%}
  {#- one band to agree on: the largest r that finds a pair at T + 0.05 with probability 0.999 -#}
  {%- set one = namespace(rows=1) -%}
  {%- for r in range(1, 17) -%}
    {%- if distill.band_agreement(sketches * (128 // r), r, 1, high) >= 0.999 %}{% set one.rows = r %}{% endif -%}
  {%- endfor -%}
  {%- set one_at_t = distill.band_agreement(sketches * (128 // one.rows), one.rows, 1, at) -%}
  {%- set best = namespace(rows=one.rows, agree=1, low=distill.band_agreement(sketches * (128 // one.rows), one.rows, 1, low)) -%}
  {%- for m in range(2, 4) -%}
    {%- for r in range(1, 17) -%}
      {%- set bands = sketches * (128 // r) -%}
      {%- set at_low = distill.band_agreement(bands, r, m, low) -%}
      {%- if at_low < best.low
          and distill.band_agreement(bands, r, m, high) >= 0.999
          and distill.band_agreement(bands, r, m, at) >= one_at_t -%}
        {%- set best.rows = r %}{% set best.agree = m %}{% set best.low = at_low -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{- return([best.rows, 128 // best.rows, best.agree]) -}}
{%- endmacro %}

{#- The probability that a pair of Jaccard j agrees on at least m of b bands of r bins: 1 - P(X < m),
    X binomial (b, j^r). -#}
{% macro band_agreement(b, r, m, j) -%}
  {%- set p = j ** r -%}
  {%- set ns = namespace(term=(1 - p) ** b, below=0.0) -%}
  {%- for k in range(m) -%}
    {%- set ns.below = ns.below + ns.term -%}
    {%- if p < 1 %}{% set ns.term = ns.term * (b - k) / (k + 1) * p / (1 - p) %}{% endif -%}
  {%- endfor -%}
  {{- return(1 - ns.below) -}}
{%- endmacro %}

{#- SPEC §4.3 token characters: neither whitespace (§2) nor ASCII punctuation. -#}
{% macro token_pattern() %}'[^{{ distill.ws_chars() }}!-/:-@\[-`{-~]+'{% endmacro %}

{#-
  SPEC §4.3 ASCII lowercasing: A-Z to a-z, every other character as it is. lower() is the fast
  path; it also lowercases other characters, but only those of this class (checked against
  every code point: uppercase and titlecase letters, Roman numerals, circled letters), so a
  text holding none of them is lowercased by lower() exactly as by translate(), letter by
  letter, which is five times slower.
-#}
{% macro ascii_lower(expr) -%}
  case
    when {{ distill.regex_search(expr, "'[^\\P{Lu}A-Z]|\\p{Lt}|[\\x{2160}-\\x{216F}\\x{24B6}-\\x{24CF}]'") }}
      then translate({{ expr }}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    else lower({{ expr }})
  end
{%- endmacro %}

{#- SPEC §4.3 tokens of a text, in order, ASCII letters lowercased and every other character kept. -#}
{% macro text_tokens(expr) -%}
  {{ distill.regex_extract_all(distill.ascii_lower(expr), distill.token_pattern()) }}
{%- endmacro %}

{#- The engine's 64-bit hash of each token of a list, in order. `tokens` must be a column. -#}
{% macro token_codes(tokens) -%}
  {{ distill.list_transform(tokens, 't', distill.hash64('t')) }}
{%- endmacro %}

{#-
  The hash codes of every k-window of a list of token codes (k consecutive tokens), in order,
  or of every `step`-th one (those starting at 0, step, 2 step, ...); empty when the list has
  fewer than k. A window's code is the engine's 64-bit hash of its k
  token codes: equal windows have equal codes on one engine, so a join on codes finds every
  equal window; the codes differ between engines, and every use verifies or states what a
  collision would do. Hashing integers, each token hashed once, is about twice as fast as
  hashing k strings per window. `codes` must be a column: the lambda repeats it k times.
-#}
{% macro window_codes(codes, k, step=1) %}{{ return(adapter.dispatch('window_codes', 'distill')(codes, k, step)) }}{% endmacro %}
{% macro default__window_codes(codes, k, step=1) %}{{ distill._unsupported('window_codes') }}{% endmacro %}
{% macro duckdb__window_codes(codes, k, step=1) -%}
  list_transform(range(0, greatest(len({{ codes }}) - {{ k - 1 }}, 0){% if step != 1 %}, {{ step }}{% endif %}),
    lambda i: hash({% for j in range(1, k + 1) %}{{ codes }}[i + {{ j }}]{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
{% macro spark__window_codes(codes, k, step=1) -%}
  case when size({{ codes }}) >= {{ k }} then
    transform(sequence(0, size({{ codes }}) - {{ k }}{% if step != 1 %}, {{ step }}{% endif %}),
      i -> xxhash64({% for j in range(k) %}{{ codes }}[i + {{ j }}]{% if not loop.last %}, {% endif %}{% endfor %}))
  else array() end
{%- endmacro %}

{#-
  The text of every k-window of a list of tokens (its k tokens joined by one space), in order;
  empty when the list has fewer than k. Each window is built from its k entries: a slice joined
  per window was ten times slower on DuckDB (1.1M windows of 4,106 rows: 3.70 s against 0.36 s,
  the same lists). `tokens` must be a column: the lambda repeats it k times.
-#}
{% macro window_texts(tokens, k) %}{{ return(adapter.dispatch('window_texts', 'distill')(tokens, k)) }}{% endmacro %}
{% macro default__window_texts(tokens, k) %}{{ distill._unsupported('window_texts') }}{% endmacro %}
{% macro duckdb__window_texts(tokens, k) -%}
  list_transform(range(0, greatest(len({{ tokens }}) - {{ k - 1 }}, 0)),
    lambda i: concat_ws(' ', {% for j in range(1, k + 1) %}{{ tokens }}[i + {{ j }}]{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
{% macro spark__window_texts(tokens, k) -%}
  case when size({{ tokens }}) >= {{ k }} then
    transform(sequence(0, size({{ tokens }}) - {{ k }}),
      i -> concat_ws(' ', {% for j in range(k) %}{{ tokens }}[i + {{ j }}]{% if not loop.last %}, {% endif %}{% endfor %}))
  else array() end
{%- endmacro %}

{#-
  How int_eval_matches probes a field for the eval set's protected sequences: the codes of its
  windows of `width` tokens starting at every `step`-th token, joined to every such window of
  every sequence (int_eval_sequences' anchor_codes). Exact while width + step - 1 <= 8, the
  fewest tokens a protected sequence has: a sequence of n >= 8 tokens at token p of a field holds
  n - width + 1 >= step windows, starting at p, p + 1, ..., so one of them starts at a multiple
  of `step`, which the field probes. A hit is then verified on the token strings. 8-windows at
  every token (width 8, step 1) probed 29M windows of the 100K planted substrate's fields;
  6-windows at every third token probe a third of them, for 3% more hits to verify
  (docs/quality-gates.md).
-#}
{% macro eval_probe() %}{{ return({'width': 6, 'step': 3}) }}{% endmacro %}

{#- The code of a whole token list as one window (a row with fewer than 5 tokens, SPEC §4.3),
    from its token codes: equal token lists have equal code lists. -#}
{% macro whole_code(token_codes) -%}
  {{ distill.hash64(token_codes) }}
{%- endmacro %}

{#- Two lists concatenated. -#}
{% macro list_concat(a, b) %}{{ return(adapter.dispatch('list_concat', 'distill')(a, b)) }}{% endmacro %}
{% macro default__list_concat(a, b) %}{{ distill._unsupported('list_concat') }}{% endmacro %}
{% macro duckdb__list_concat(a, b) %}list_concat({{ a }}, {{ b }}){% endmacro %}
{% macro spark__list_concat(a, b) %}concat({{ a }}, {{ b }}){% endmacro %}

{#- x mod m, never negative (Spark's hash is signed, DuckDB's unsigned). -#}
{% macro non_negative_mod(x, m) %}{{ return(adapter.dispatch('non_negative_mod', 'distill')(x, m)) }}{% endmacro %}
{% macro default__non_negative_mod(x, m) %}{{ distill._unsupported('non_negative_mod') }}{% endmacro %}
{% macro duckdb__non_negative_mod(x, m) %}(({{ x }}) % ({{ m }})){% endmacro %}
{% macro spark__non_negative_mod(x, m) %}pmod({{ x }}, {{ m }}){% endmacro %}

{#- Integer division of two integers, truncated. The operands are bracketed: a caller's `a - b`
    would otherwise bind after the division. -#}
{% macro int_div(x, y) %}{{ return(adapter.dispatch('int_div', 'distill')(x, y)) }}{% endmacro %}
{% macro default__int_div(x, y) %}{{ distill._unsupported('int_div') }}{% endmacro %}
{% macro duckdb__int_div(x, y) %}(({{ x }}) // ({{ y }})){% endmacro %}
{% macro spark__int_div(x, y) %}(({{ x }}) div ({{ y }})){% endmacro %}

{#- A ratio of two integers 0 <= n <= d, as text with four decimals, truncated: '0.8421',
    '1.0000'. Integer arithmetic, so every engine writes the same digits. -#}
{% macro ratio_text(n, d) -%}
  case
    when {{ n }} >= {{ d }} then '1.0000'
    else '0.' || lpad(cast({{ distill.int_div(n ~ ' * 10000', d) }} as string), 4, '0')
  end
{%- endmacro %}

{#-
  The string values, at any depth, of a line of JSON text, in order (SPEC §4.3 eval texts):
  every JSON string token that is not an object key (a key is followed by a colon), decoded.
  The line is valid JSON (distill checks every line of an eval file before dbt starts), so its
  string tokens are exactly the matches of one left-to-right scan.
-#}
{% macro json_string_values(expr) -%}
  {{ distill.list_transform(
      distill.list_where(
          distill.regex_extract_all(expr, "'\"(?:[^\"\\\\]|\\\\.)*\"[\\t\\n\\r ]*:?'"),
          "s", "not " ~ distill.regex_search("s", "':$'")),
      "s", distill.json_string_decode(distill.regex_replace_all("s", "'[\\t\\n\\r ]*$'", "''"))) }}
{%- endmacro %}

{#- A JSON string token ("..." with its escapes) decoded to its text. -#}
{% macro json_string_decode(expr) %}{{ return(adapter.dispatch('json_string_decode', 'distill')(expr)) }}{% endmacro %}
{% macro default__json_string_decode(expr) %}{{ distill._unsupported('json_string_decode') }}{% endmacro %}
{% macro duckdb__json_string_decode(expr) %}json_extract_string(cast({{ expr }} as json), '$'){% endmacro %}
{% macro spark__json_string_decode(expr) %}from_json(concat('[', {{ expr }}, ']'), 'array<string>')[0]{% endmacro %}

{#-
  The near-dup sketches (one-permutation MinHash, 128 bins each). Every sketch gives each set
  its bin minima as keys `bin * 2^56 + order`, order < 2^56, the first key of each bin, so a
  key holds its bin (minimum_bin) and two rows agree on a bin when their keys are equal.
  Sketch 0 needs no sort (sorted_code_minima): its bin is the code's top 7 bits and its order
  the code's other bits, so a set's sorted codes (int_near_dup_sets keeps them sorted) are
  already in bin order, each bin's smallest first.
  Sketch s >= 1 (bin_keys, then bin_minima): each code as the key of its bin, the code's bits
  7s to 7s + 6, and of its order, the code xor a constant of the sketch's own, the top 56 bits
  of that; sorted, so a bin's keys are together in that order; then the first key of each bin.
  One fixed order per sketch for every row is all MinHash asks of it, and each sketch takes its
  bins from other bits of the code than the others, so their minima are independent of each
  other's for hash codes. `keys` and `codes` must be columns: the lambdas read the previous entry.
-#}
{% macro sorted_code_minima(codes) %}{{ return(adapter.dispatch('sorted_code_minima', 'distill')(codes)) }}{% endmacro %}
{% macro default__sorted_code_minima(codes) %}{{ distill._unsupported('sorted_code_minima') }}{% endmacro %}
{#- DuckDB's hash codes are unsigned: the top 7 bits are `c >> 57`, ascending with the code. -#}
{% macro duckdb__sorted_code_minima(codes) -%}
  list_transform(
    list_filter({{ codes }}, lambda c, i: i = 1 or (c >> 57) <> ({{ codes }}[greatest(i - 1, 1)] >> 57)),
    lambda c: ((c >> 57) << 56) | ((c & 144115188075855871) >> 1))
{%- endmacro %}
{#- Spark's are signed and sorted so: codes with the top bit set come first, but each bin (the
    top 7 bits, unsigned) is still one run, ordered by the code's other bits. The previous entry
    from zip_with (spark__bin_minima says why). -#}
{% macro spark__sorted_code_minima(codes) -%}
  transform(
    filter(zip_with({{ codes }}, concat(array(cast(null as bigint)), {{ codes }}), (c, prev) -> case when prev is null or shiftrightunsigned(c, 57) <> shiftrightunsigned(prev, 57) then c end), c -> c is not null),
    c -> shiftleft(shiftrightunsigned(c, 57), 56) | shiftright(c & 144115188075855871L, 1))
{%- endmacro %}

{% macro bin_keys(codes, sketch) %}{{ return(adapter.dispatch('bin_keys', 'distill')(codes, sketch)) }}{% endmacro %}
{% macro default__bin_keys(codes, sketch) %}{{ distill._unsupported('bin_keys') }}{% endmacro %}
{% macro duckdb__bin_keys(codes, sketch) -%}
  list_sort(list_transform({{ codes }}, lambda c: (((c >> {{ 7 * sketch }}) % 128) << 56) | (xor(c, {{ distill.sketch_salt(sketch) }}) >> 8)))
{%- endmacro %}
{% macro spark__bin_keys(codes, sketch) -%}
  array_sort(transform({{ codes }}, c -> shiftleft(pmod(shiftrightunsigned(c, {{ 7 * sketch }}), 128), 56) | shiftrightunsigned(c ^ {{ distill.sketch_salt(sketch) }}L, 8)))
{%- endmacro %}
{#- The constant sketch s xors its codes with for its order. -#}
{% macro sketch_salt(sketch) %}{{ return(sketch * 1540483477) }}{% endmacro %}

{% macro bin_minima(keys) %}{{ return(adapter.dispatch('bin_minima', 'distill')(keys)) }}{% endmacro %}
{% macro default__bin_minima(keys) %}{{ distill._unsupported('bin_minima') }}{% endmacro %}
{% macro duckdb__bin_minima(keys) -%}
  list_filter({{ keys }}, lambda k, i: i = 1 or (k >> 56) <> ({{ keys }}[greatest(i - 1, 1)] >> 56))
{%- endmacro %}
{#-
  On Spark the previous entry comes from zip_with over the list shifted by one, not from an index
  into `keys` inside the lambda: Spark inlines the column's expression (the sorted keys) into
  the lambda and sorted the list again for every entry, 132 s of int_near_dup_edges' 216 s on the
  parity substrate (6,150 sets; 13.7 s now, the same minima).
-#}
{% macro spark__bin_minima(keys) -%}
  filter(zip_with({{ keys }}, concat(array(cast(null as bigint)), {{ keys }}), (k, prev) -> case when prev is null or shiftright(k, 56) <> shiftright(prev, 56) then k end), k -> k is not null)
{%- endmacro %}

{#- The bin (0-127) of a key of bin_minima(). -#}
{% macro minimum_bin(key) %}{{ return(adapter.dispatch('minimum_bin', 'distill')(key)) }}{% endmacro %}
{% macro default__minimum_bin(key) %}{{ distill._unsupported('minimum_bin') }}{% endmacro %}
{% macro duckdb__minimum_bin(key) %}cast({{ key }} >> 56 as integer){% endmacro %}
{% macro spark__minimum_bin(key) %}cast(shiftright({{ key }}, 56) as int){% endmacro %}

{#- An aggregate: the bitwise exclusive or of a group's integers (an order-free set code). -#}
{% macro bit_xor_agg(expr) %}{{ return(adapter.dispatch('bit_xor_agg', 'distill')(expr)) }}{% endmacro %}
{% macro default__bit_xor_agg(expr) %}{{ distill._unsupported('bit_xor_agg') }}{% endmacro %}
{% macro duckdb__bit_xor_agg(expr) %}bit_xor({{ expr }}){% endmacro %}
{% macro spark__bit_xor_agg(expr) %}bit_xor({{ expr }}){% endmacro %}
