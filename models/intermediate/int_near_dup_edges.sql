{{ config(materialized='table') }}
{#
  SPEC §4.3 near_duplicate, the similarity graph: every pair of rows of one exporter whose
  shingle sets have a Jaccard index of at least T, as (id_a < id_b, shared, total) with
  shared = |A ∩ B| and total = |A ∪ B|.

  Candidates, then exact verification:
  1. Rows with the same set are collapsed first: each is an edge (J = 1) to the smallest id of
     its set, and only that one goes on, so m copies of a text make m - 1 edges, not m²/2 pairs.
  2. A one-permutation MinHash sketch of each remaining set, 128 bins by code mod 128, the
     smallest code of each bin; bands of r bins (macros/quality.sql picks r for T). Two rows
     that agree on every bin of one band are a candidate (a bin empty in both agrees).
  3. Candidates whose set sizes alone rule out J >= T are dropped (J <= min/max), exactly.
  4. Every remaining candidate is verified by counting its shared codes: shared * den >=
     num * total, integers only. A pair the sketch misses is an edge lost (docs: its recall),
     never one added.
  Codes are 64-bit hashes: two different windows with one code would count as shared. The data
  test near_duplicates_hold_on_strings recomputes every refusal from the token strings.
#}
{%- set threshold = distill.near_dup_threshold() %}
{%- set banding = distill.near_dup_banding() %}
{%- set band_rows = banding[0] %}
{%- set bins = banding[0] * banding[1] %}

with

shingles as (
    select * from {{ ref('int_near_dup_shingles') }}
),

sets as (
    select
        exporter,
        id,
        count(*) as shingle_count,
        {{ distill.hash64(distill.sorted_list_agg('code')) }} as set_code
    from shingles
    group by exporter, id
),

representatives as (
    select
        exporter,
        set_code,
        min(id) as representative_id
    from sets
    group by exporter, set_code
),

members as (
    select
        sets.exporter,
        sets.id,
        sets.shingle_count,
        representatives.representative_id
    from sets
    inner join representatives
        on sets.exporter = representatives.exporter and sets.set_code = representatives.set_code
),

identical_edges as (
    select
        exporter,
        representative_id as id_a,
        id as id_b,
        shingle_count as shared,
        shingle_count as total
    from members
    where id <> representative_id
),

distinct_sets as (
    select
        exporter,
        id,
        shingle_count
    from members
    where id = representative_id
),

binned as (
    select
        shingles.exporter,
        shingles.id,
        {{ distill.non_negative_mod('shingles.code', 128) }} as bin,
        min(shingles.code) as bin_minimum
    from shingles
    inner join distinct_sets
        on shingles.exporter = distinct_sets.exporter and shingles.id = distinct_sets.id
    group by shingles.exporter, shingles.id, {{ distill.non_negative_mod('shingles.code', 128) }}
),

{# a bin's minimum determines its bin (code mod 128), so a band's sorted minima identify it #}
bands as (
    select
        exporter,
        id,
        {{ distill.int_div('bin', band_rows) }} as band,
        {{ distill.hash64(distill.sorted_list_agg('bin_minimum')) }} as band_code
    from binned
    where bin < {{ bins }}
    group by exporter, id, {{ distill.int_div('bin', band_rows) }}
),

candidates as (
    select distinct
        a.exporter,
        a.id as id_a,
        b.id as id_b
    from bands as a
    inner join bands as b
        on
            a.exporter = b.exporter
            and a.band = b.band
            and a.band_code = b.band_code
            and a.id < b.id
),

sized as (
    select
        candidates.exporter,
        candidates.id_a,
        candidates.id_b,
        a.shingle_count + b.shingle_count as count_sum
    from candidates
    inner join distinct_sets as a
        on candidates.exporter = a.exporter and candidates.id_a = a.id
    inner join distinct_sets as b
        on candidates.exporter = b.exporter and candidates.id_b = b.id
    {# J <= min / max: below T whatever they share #}
    where least(a.shingle_count, b.shingle_count) * {{ threshold[1] }} >= {{ threshold[0] }} * greatest(a.shingle_count, b.shingle_count)
),

counted as (
    select
        sized.exporter,
        sized.id_a,
        sized.id_b,
        sized.count_sum,
        count(*) as shared
    from sized
    inner join shingles as a
        on sized.exporter = a.exporter and sized.id_a = a.id
    inner join shingles as b
        on sized.exporter = b.exporter and sized.id_b = b.id and a.code = b.code
    group by sized.exporter, sized.id_a, sized.id_b, sized.count_sum
),

verified as (
    select
        exporter,
        id_a,
        id_b,
        shared,
        count_sum - shared as total
    from counted
    where shared * {{ threshold[1] }} >= {{ threshold[0] }} * (count_sum - shared)
),

final as (
    select * from verified
    union all
    select * from identical_edges
)

select * from final
