{#-
  Invariant 8 (no silent drops): every key of `model` appears exactly once across the
  `targets` (a list of {relation, column}: e.g. the export and its quarantine), and no target
  holds a key the model lacks. Returns each key found zero times, more than once, or only in
  a target; a duplicated key in the model is returned too.
-#}
{% test exactly_once_in(model, column_name, targets) %}
with

expected as (
    select {{ column_name }} as key
    from {{ model }}
),

found as (
    {%- for target in targets %}
    select {{ target['column'] }} as key, '{{ target['relation'] | string | replace('"', '') | replace("'", "''") }}' as found_in
    from {{ target['relation'] }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

counted as (
    select
        key,
        count(*) as times_found,
        string_agg(found_in, ', ' order by found_in) as found_in
    from found
    group by key
),

expected_counted as (
    select
        key,
        count(*) as times_in_model
    from expected
    group by key
),

final as (
    select
        coalesce(expected_counted.key, counted.key) as key,
        coalesce(expected_counted.times_in_model, 0) as times_in_model,
        coalesce(counted.times_found, 0) as times_found,
        counted.found_in
    from expected_counted
    full outer join counted
        on expected_counted.key = counted.key
    where
        expected_counted.key is null
        or counted.key is null
        or expected_counted.times_in_model <> 1
        or counted.times_found <> 1
)

select * from final
{% endtest %}
