{{ config(materialized='table') }}
{#
  SPEC §4.3 near_duplicate, the verdicts: one row per row of an exporter that has at least one
  edge, with `kept_id` (int_near_dup_components) and `highest_similarity`, its greatest Jaccard
  index to any row of its component, as text with four decimals, truncated.

  The greatest is exact, not only over the row's own edges: the candidates are approximate, so
  two rows of one component can have J >= T without an edge between them (the bands missed it),
  and that pair can be a row's most similar. Each row's greatest over its edges is at least T;
  a pair of the component counts only where it could beat one of its rows' greatest (its sizes
  bound its J, by min / max, above that greatest), and is then counted exactly like an edge.
  Its cost grows with the square of a component's size, as near_duplicates_hold_on_strings'.
#}
{%- set threshold = distill.near_dup_threshold() %}

with

edges as (
    select * from {{ ref('int_near_dup_edges') }}
),

components as (
    select * from {{ ref('int_near_dup_components') }}
),

sets as (
    select * from {{ ref('int_near_dup_sets') }}
),

incident as (
    select
        exporter,
        id_a as id,
        {{ distill.int_div('shared * 10000', 'total') }} as similarity_digits
    from edges
    union all
    select
        exporter,
        id_b as id,
        {{ distill.int_div('shared * 10000', 'total') }} as similarity_digits
    from edges
),

over_edges as (
    select
        exporter,
        id,
        max(similarity_digits) as similarity_digits
    from incident
    group by exporter, id
),

members as (
    select
        components.exporter,
        components.id,
        components.kept_id,
        over_edges.similarity_digits,
        sets.shingle_count,
        sets.codes
    from components
    inner join over_edges
        on components.exporter = over_edges.exporter and components.id = over_edges.id
    inner join sets
        on components.exporter = sets.exporter and components.id = sets.id
),

{# pairs of one component whose sizes leave room above one of their rows' greatest so far #}
open_pairs as (
    select
        a.exporter,
        a.id as id_a,
        b.id as id_b,
        a.codes as codes_a,
        b.codes as codes_b,
        a.shingle_count + b.shingle_count as count_sum
    from members as a
    inner join members as b
        on a.exporter = b.exporter and a.kept_id = b.kept_id and a.id < b.id
    where
        least(a.shingle_count, b.shingle_count) * {{ threshold[1] }} >= {{ threshold[0] }} * greatest(a.shingle_count, b.shingle_count)
        and (
            {{ distill.int_div('least(a.shingle_count, b.shingle_count) * 10000', 'greatest(a.shingle_count, b.shingle_count)') }} > a.similarity_digits
            or {{ distill.int_div('least(a.shingle_count, b.shingle_count) * 10000', 'greatest(a.shingle_count, b.shingle_count)') }} > b.similarity_digits
        )
),

counted as (
    select
        exporter,
        id_a,
        id_b,
        {{ distill.shared_count('codes_a', 'codes_b') }} as shared,
        count_sum
    from open_pairs
),

{# below T a pair cannot beat a greatest that an edge set at T or above #}
similar_pairs as (
    select
        exporter,
        id_a,
        id_b,
        {{ distill.int_div('shared * 10000', 'count_sum - shared') }} as similarity_digits
    from counted
    where shared * {{ threshold[1] }} >= {{ threshold[0] }} * (count_sum - shared)
),

all_similar as (
    select * from incident
    union all
    select
        exporter,
        id_a as id,
        similarity_digits
    from similar_pairs
    union all
    select
        exporter,
        id_b as id,
        similarity_digits
    from similar_pairs
),

highest as (
    select
        exporter,
        id,
        max(similarity_digits) as similarity_digits
    from all_similar
    group by exporter, id
),

final as (
    select
        components.exporter,
        components.id,
        components.kept_id,
        {{ distill.ratio_text('highest.similarity_digits', '10000') }} as highest_similarity
    from components
    inner join highest
        on components.exporter = highest.exporter and components.id = highest.id
)

select * from final
