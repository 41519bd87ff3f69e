{#-
  Columns that must hold a value on every row, checked in one scan. One test per model, not one
  `not_null` per column: each dbt test is a node, and every node costs dbt's own work whatever
  the data (docs/performance.md). Returns one row per column that has
  nulls, with how many.
-#}
{% test not_null_columns(model, columns) %}
{%- if columns | length == 0 -%}
  {{ exceptions.raise_compiler_error("not_null_columns: list at least one column") }}
{%- endif %}
with

counts as (
    select
        {%- for column in columns %}
            sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ model }}
)

{% for column in columns -%}
    select
        '{{ column }}' as column_name,
        null_rows_{{ loop.index }} as null_rows
    from counts
    where null_rows_{{ loop.index }} > 0
    {%- if not loop.last %}
        union all
    {% endif %}
{%- endfor %}
{% endtest %}
