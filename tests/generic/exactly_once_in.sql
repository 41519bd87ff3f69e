{#-
  Invariant 8 (no silent drops): every key of `model` appears exactly once across the
  `targets` (a list of {relation, column}: e.g. the export and its quarantine), and no target
  holds a key the model lacks. Returns each key found zero times, more than once, or only in
  a target; a duplicated key in the model is returned too, and so is a null key.

  One aggregate over the model's keys and the targets' keys together, then the names of the
  targets for the few keys that fail. (Two aggregates and a full outer join of their results
  ran out of memory on the largest substrates under the memory cap.) The targets are written out twice, not
  shared through one CTE: DuckDB would materialise that CTE, every target key in it.
-#}
{% test exactly_once_in(model, column_name, targets) %}
{%- set found -%}
    {%- for target in targets %}
    select {{ target['column'] }} as key, '{{ target['relation'] | string | replace('"', '') | replace("'", "''") }}' as found_in
    from {{ target['relation'] }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endset %}
with

keys as (
    select
        {{ column_name }} as key,
        null as found_in
    from {{ model }}
    union all
    {{ found }}
),

counted as (
    select
        key,
        count(*) filter (where found_in is null) as times_in_model,
        count(found_in) as times_found
    from keys
    group by key
    having
        key is null
        or count(*) filter (where found_in is null) <> 1
        or count(found_in) <> 1
),

found as (
    {{ found }}
),

final as (
    select
        counted.key,
        counted.times_in_model,
        counted.times_found,
        {{ distill.sorted_string_agg('found.found_in', "', '") }} as found_in
    from counted
    left join found
        on counted.key = found.key
    group by counted.key, counted.times_in_model, counted.times_found
)

select * from final
{% endtest %}
