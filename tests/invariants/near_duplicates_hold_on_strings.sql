{{ config(tags=['near_dup_gate']) }}
{#
  SPEC §4.3: near_duplicate never refuses a row below the threshold, and keeps the smallest id
  of each component. Recomputed here from the token strings (each shingle the text of its 5
  tokens, not a hash code), independently of the gate's sketch, codes and verification:
  - every refused row has a Jaccard index of at least T with some other row of its component,
    and its reported highest similarity is that maximum (four decimals, truncated);
  - the kept id is the smallest id of the component, and that row is not refused for it.
  T is read from the var here, not through the gate's macro. Returns each violation.
#}
{%- set threshold = var('near_dup_threshold', '0.8') | string | trim %}

with

checked as (
    select
        'rag' as exporter,
        id,
        evidence_line_id
    from {{ ref('int_rag_checked') }}
    where reason is null
    union all
    select
        'sft' as exporter,
        id,
        evidence_line_id
    from {{ ref('int_sft_checked') }}
    where reason is null
),

refused as (
    select
        'rag' as exporter,
        id
    from {{ ref('int_rag_gated') }}
    where reason = 'near_duplicate'
    union all
    select
        'sft' as exporter,
        id
    from {{ ref('int_sft_gated') }}
    where reason = 'near_duplicate'
),

components as (
    select * from {{ ref('int_near_dup_verdicts') }}
),

refusing as (
    select distinct
        exporter,
        kept_id
    from components
    where kept_id <> id
),

{# every row of a component that refused a row #}
members as (
    select
        components.exporter,
        components.id,
        components.kept_id,
        components.highest_similarity,
        checked.evidence_line_id
    from components
    inner join checked
        on components.exporter = checked.exporter and components.id = checked.id
    inner join refusing
        on components.exporter = refusing.exporter and components.kept_id = refusing.kept_id
),

tokenized as (
    select
        members.*,
        case
            when members.exporter = 'sft'
                then {{ distill.list_concat('coalesce(' ~ distill.text_tokens('evidence.instruction') ~ ', ' ~ distill.empty_string_list() ~ ')', distill.text_tokens('evidence.text')) }}
            else {{ distill.text_tokens('evidence.text') }}
        end as tokens
    from members
    inner join {{ ref('stg_substrate__evidence') }} as evidence
        on members.evidence_line_id = evidence.line_id
),

shingled as (
    select
        exporter,
        id,
        kept_id,
        highest_similarity,
        {{ distill.list_distinct(
            "case when " ~ distill.list_len('tokens') ~ " < 5 then " ~ distill.list_of([distill.list_join('tokens', "' '")])
            ~ " else " ~ distill.window_texts('tokens', 5) ~ " end") }} as shingles
    from tokenized
),

pairs as (
    select
        row_.exporter,
        row_.id,
        row_.kept_id,
        row_.highest_similarity,
        {{ distill.list_len(distill.list_intersect('row_.shingles', 'other.shingles')) }} as shared,
        {{ distill.list_len('row_.shingles') }} + {{ distill.list_len('other.shingles') }}
        - {{ distill.list_len(distill.list_intersect('row_.shingles', 'other.shingles')) }} as total
    from shingled as row_
    inner join shingled as other
        on row_.exporter = other.exporter and row_.kept_id = other.kept_id and row_.id <> other.id
),

per_row as (
    select
        exporter,
        id,
        kept_id,
        highest_similarity,
        max(case when shared >= cast('{{ threshold }}' as decimal(12, 6)) * total then 1 else 0 end) as has_similar_row,
        max({{ distill.int_div('shared * 10000', 'total') }}) as similarity_digits
    from pairs
    group by exporter, id, kept_id, highest_similarity
),

below_threshold as (
    select
        per_row.exporter,
        per_row.id,
        'refused, yet its Jaccard index with every row of its component is below ' || '{{ threshold }}' as violation
    from per_row
    inner join refused
        on per_row.exporter = refused.exporter and per_row.id = refused.id
    where per_row.has_similar_row = 0
),

misreported as (
    select
        per_row.exporter,
        per_row.id,
        'reports highest similarity ' || per_row.highest_similarity || ', recomputed ' || {{ distill.ratio_text('per_row.similarity_digits', '10000') }} as violation
    from per_row
    inner join refused
        on per_row.exporter = refused.exporter and per_row.id = refused.id
    where per_row.highest_similarity <> {{ distill.ratio_text('per_row.similarity_digits', '10000') }}
),

not_smallest as (
    select
        exporter,
        kept_id as id,
        'kept, yet not the smallest id of its component (' || min(id) || ')' as violation
    from members
    group by exporter, kept_id
    having min(id) <> kept_id
),

kept_refused as (
    select
        refused.exporter,
        refused.id,
        'refused as near_duplicate, yet the kept row of its component' as violation
    from refused
    inner join components
        on refused.exporter = components.exporter and refused.id = components.kept_id
),

final as (
    select * from below_threshold
    union all
    select * from misreported
    union all
    select * from not_smallest
    union all
    select * from kept_refused
)

select * from final
