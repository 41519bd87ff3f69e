{{ config(materialized='table') }}
{#
  SPEC §4.3 near_duplicate, the similarity graph: every pair of rows of one exporter whose
  shingle sets have a Jaccard index of at least T, as (id_a < id_b, shared, total) with
  shared = |A ∩ B| and total = |A ∪ B|.

  Candidates, then exact verification:
  1. Rows with the same set are collapsed first: each is an edge (J = 1) to the smallest id of
     its set, and only that one goes on, so m copies of a text make m - 1 edges, not m²/2 pairs
     (grouped on a hash of the sorted codes, the edge made when the lists are equal).
  2. Two one-permutation MinHash sketches of each remaining set, 128 bins each, the smallest
     code of each bin in each sketch's own order (macros/quality.sql: sketch 0 from the sorted
     codes as they are, sketch 1 from a sort of its own); bands of r bins, numbered across the
     sketches. Two rows whose minima agree on every bin of at least a of their bands are a
     candidate (a bin empty in both agrees, a band empty in both does not count; r and a are
     picked for T there: 7 and 3 at T 0.8). A band's code is the exclusive or of its minima:
     two bands that differ and share a code count as one more agreeing, and a candidate that
     makes is refused by step 4.
  3. Candidates whose set sizes alone rule out J >= T are dropped (J <= min/max), exactly.
  4. Every remaining candidate is verified by counting its shared codes: shared * den >=
     num * total, integers only. A pair the sketch misses is an edge lost (docs: its recall),
     never one added.
  Rows are joined on int_near_dup_sets' integer row_key; the ids come back at the end.
  Codes are 64-bit hashes: two different windows with one code would count as shared. The data
  test near_duplicates_hold_on_strings recomputes every refusal from the token strings.
#}
{%- set threshold = distill.near_dup_threshold() %}
{%- set banding = distill.near_dup_banding() %}
{%- set band_rows = banding[0] %}
{%- set bands_per_sketch = banding[1] %}
{%- set bins = banding[0] * banding[1] %}
{%- set bands_to_agree = banding[2] %}

with

sets as (
    select * from {{ ref('int_near_dup_sets') }}
),

representatives as (
    select
        exporter,
        set_code,
        min(row_key) as representative_key
    from sets
    group by exporter, set_code
),

members as (
    select
        sets.row_key,
        sets.shingle_count,
        representatives.representative_key
    from sets
    inner join representatives
        on sets.exporter = representatives.exporter and sets.set_code = representatives.set_code
),

{# the set code is a hash: the lists are compared too, so a collision loses an edge, never adds one #}
identical_pairs as (
    select
        members.representative_key as key_a,
        members.row_key as key_b,
        members.shingle_count as shared,
        members.shingle_count as total
    from members
    inner join sets as a
        on members.representative_key = a.row_key
    inner join sets as b
        on members.row_key = b.row_key
    where members.row_key <> members.representative_key and a.codes = b.codes
),

distinct_sets as (
    select
        sets.exporter,
        sets.row_key,
        sets.shingle_count,
        sets.codes
    from sets
    inner join members
        on sets.row_key = members.row_key and members.row_key = members.representative_key
),

{# sketches 1 and up sort their keys; sketch 0 reads the sorted codes (macros/quality.sql) #}
keyed as (
    {%- for sketch in range(1, distill.near_dup_sketches()) %}
        select
            exporter,
            row_key,
            {{ sketch }} as sketch,
            {{ distill.bin_keys('codes', sketch) }} as bin_keys
        from distinct_sets
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

sketched as (
    select
        exporter,
        row_key,
        0 as sketch,
        {{ distill.sorted_code_minima('codes') }} as minima
    from distinct_sets
    union all
    select
        exporter,
        row_key,
        sketch,
        {{ distill.bin_minima('bin_keys') }} as minima
    from keyed
),

{# one row per bin minimum (a select-list unnest: macros/lists.sql says why) #}
minimum_rows as (
    select
        exporter,
        row_key,
        sketch,
        {{ distill.unnest_list('minima') }} as minimum
    from sketched
),

{# a bin's minimum key holds its bin (the top bits), so a band's minima identify it #}
bands as (
    select
        exporter,
        row_key,
        sketch * {{ bands_per_sketch }} + {{ distill.int_div(distill.minimum_bin('minimum'), band_rows) }} as band,
        {{ distill.bit_xor_agg('minimum') }} as band_code
    from minimum_rows
    where {{ distill.minimum_bin('minimum') }} < {{ bins }}
    group by exporter, row_key, sketch, {{ distill.int_div(distill.minimum_bin('minimum'), band_rows) }}
),

candidates as (
    select
        a.row_key as key_a,
        b.row_key as key_b
    from bands as a
    inner join bands as b
        on
            a.exporter = b.exporter
            and a.band = b.band
            and a.band_code = b.band_code
            and a.row_key < b.row_key
    group by a.row_key, b.row_key
    having count(*) >= {{ bands_to_agree }}
),

sized as (
    select
        candidates.key_a,
        candidates.key_b,
        a.shingle_count + b.shingle_count as count_sum,
        {{ distill.shared_count('a.codes', 'b.codes') }} as shared
    from candidates
    inner join distinct_sets as a
        on candidates.key_a = a.row_key
    inner join distinct_sets as b
        on candidates.key_b = b.row_key
    {# J <= min / max: below T whatever they share #}
    where least(a.shingle_count, b.shingle_count) * {{ threshold[1] }} >= {{ threshold[0] }} * greatest(a.shingle_count, b.shingle_count)
),

verified as (
    select
        key_a,
        key_b,
        shared,
        count_sum - shared as total
    from sized
    where shared * {{ threshold[1] }} >= {{ threshold[0] }} * (count_sum - shared)
),

pairs as (
    select * from verified
    union all
    select * from identical_pairs
),

final as (
    select
        a.exporter,
        a.id as id_a,
        b.id as id_b,
        pairs.shared,
        pairs.total
    from pairs
    inner join sets as a
        on pairs.key_a = a.row_key
    inner join sets as b
        on pairs.key_b = b.row_key
)

select * from final
