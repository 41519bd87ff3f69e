{# Lists: building, measuring, joining and testing them. #}

{#- The non-null values of a list of expressions, in order. -#}
{% macro compact_list(exprs) %}{{ return(adapter.dispatch('compact_list', 'distill')(exprs)) }}{% endmacro %}
{% macro default__compact_list(exprs) %}{{ distill._unsupported('compact_list') }}{% endmacro %}
{% macro duckdb__compact_list(exprs) -%}
  list_filter([{% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}], lambda x: x is not null)
{%- endmacro %}

{% macro list_len(expr) %}{{ return(adapter.dispatch('list_len', 'distill')(expr)) }}{% endmacro %}
{% macro default__list_len(expr) %}{{ distill._unsupported('list_len') }}{% endmacro %}
{% macro duckdb__list_len(expr) %}len({{ expr }}){% endmacro %}

{#- 1-based element of a list. -#}
{% macro list_at(expr, i) %}{{ return(adapter.dispatch('list_at', 'distill')(expr, i)) }}{% endmacro %}
{% macro default__list_at(expr, i) %}{{ distill._unsupported('list_at') }}{% endmacro %}
{% macro duckdb__list_at(expr, i) %}{{ expr }}[{{ i }}]{% endmacro %}

{#- A list's entries joined by a separator (both SQL expressions). -#}
{% macro list_join(expr, separator) %}{{ return(adapter.dispatch('list_join', 'distill')(expr, separator)) }}{% endmacro %}
{% macro default__list_join(expr, separator) %}{{ distill._unsupported('list_join') }}{% endmacro %}
{% macro duckdb__list_join(expr, separator) %}array_to_string({{ expr }}, {{ separator }}){% endmacro %}

{#- A list of strings quoted for a message: 'a', 'b'. -#}
{% macro quoted_list(expr) -%}
  {{ distill.list_join(distill.list_transform(expr, "x", "'''' || x || ''''"), "', '") }}
{%- endmacro %}

{#- Apply a SQL expression of `var` to every entry of a list. -#}
{% macro list_transform(expr, var, body) %}{{ return(adapter.dispatch('list_transform', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_transform(expr, var, body) %}{{ distill._unsupported('list_transform') }}{% endmacro %}
{% macro duckdb__list_transform(expr, var, body) %}list_transform({{ expr }}, lambda {{ var }}: {{ body }}){% endmacro %}

{#- True when the SQL expression `body` of `var` holds for some entry of a list; false for an
    empty list. A list function, not a correlated `unnest` subquery: that one makes the planner
    compute every column of a view, the source_record of the quarantine views among them. -#}
{% macro list_any(expr, var, body) %}{{ return(adapter.dispatch('list_any', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_any(expr, var, body) %}{{ distill._unsupported('list_any') }}{% endmacro %}
{% macro duckdb__list_any(expr, var, body) %}coalesce(list_bool_or(list_transform({{ expr }}, lambda {{ var }}: {{ body }})), false){% endmacro %}

{#- A list of the given expressions, in order. -#}
{% macro list_of(exprs) %}{{ return(adapter.dispatch('list_of', 'distill')(exprs)) }}{% endmacro %}
{% macro default__list_of(exprs) %}{{ distill._unsupported('list_of') }}{% endmacro %}
{% macro duckdb__list_of(exprs) -%}
  [{% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}
