{# Lists: building, measuring, joining and testing them. #}

{#- The non-null values of a list of expressions, in order. -#}
{% macro compact_list(exprs) %}{{ return(adapter.dispatch('compact_list', 'distill')(exprs)) }}{% endmacro %}
{% macro default__compact_list(exprs) %}{{ distill._unsupported('compact_list') }}{% endmacro %}
{% macro duckdb__compact_list(exprs) -%}
  list_filter([{% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}], lambda x: x is not null)
{%- endmacro %}
{% macro spark__compact_list(exprs) -%}
  filter(array({% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}), x -> x is not null)
{%- endmacro %}

{% macro list_len(expr) %}{{ return(adapter.dispatch('list_len', 'distill')(expr)) }}{% endmacro %}
{% macro default__list_len(expr) %}{{ distill._unsupported('list_len') }}{% endmacro %}
{% macro duckdb__list_len(expr) %}len({{ expr }}){% endmacro %}
{#- size() of a null list is -1 in Spark with ANSI off; DuckDB's len() is null -#}
{% macro spark__list_len(expr) %}if({{ expr }} is null, null, size({{ expr }})){% endmacro %}

{#- 1-based element of a list. -#}
{% macro list_at(expr, i) %}{{ return(adapter.dispatch('list_at', 'distill')(expr, i)) }}{% endmacro %}
{% macro default__list_at(expr, i) %}{{ distill._unsupported('list_at') }}{% endmacro %}
{% macro duckdb__list_at(expr, i) %}{{ expr }}[{{ i }}]{% endmacro %}
{% macro spark__list_at(expr, i) %}element_at({{ expr }}, {{ i }}){% endmacro %}

{#- A list's entries joined by a separator (both SQL expressions). -#}
{% macro list_join(expr, separator) %}{{ return(adapter.dispatch('list_join', 'distill')(expr, separator)) }}{% endmacro %}
{% macro default__list_join(expr, separator) %}{{ distill._unsupported('list_join') }}{% endmacro %}
{% macro duckdb__list_join(expr, separator) %}array_to_string({{ expr }}, {{ separator }}){% endmacro %}
{% macro spark__list_join(expr, separator) %}array_join({{ expr }}, {{ separator }}){% endmacro %}

{#- A list of strings quoted for a message: 'a', 'b'. -#}
{% macro quoted_list(expr) -%}
  {{ distill.list_join(distill.list_transform(expr, "x", "'''' || x || ''''"), "', '") }}
{%- endmacro %}

{#- Apply a SQL expression of `var` to every entry of a list. -#}
{% macro list_transform(expr, var, body) %}{{ return(adapter.dispatch('list_transform', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_transform(expr, var, body) %}{{ distill._unsupported('list_transform') }}{% endmacro %}
{% macro duckdb__list_transform(expr, var, body) %}list_transform({{ expr }}, lambda {{ var }}: {{ body }}){% endmacro %}
{% macro spark__list_transform(expr, var, body) %}transform({{ expr }}, {{ var }} -> {{ body }}){% endmacro %}

{#- True when the SQL expression `body` of `var` holds for some entry of a list; false for an
    empty list. A list function, not a correlated `unnest` subquery: that one makes the planner
    compute every column of a view, the source_record of the quarantine views among them. -#}
{% macro list_any(expr, var, body) %}{{ return(adapter.dispatch('list_any', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_any(expr, var, body) %}{{ distill._unsupported('list_any') }}{% endmacro %}
{% macro duckdb__list_any(expr, var, body) %}coalesce(list_bool_or(list_transform({{ expr }}, lambda {{ var }}: {{ body }})), false){% endmacro %}
{% macro spark__list_any(expr, var, body) %}coalesce(exists({{ expr }}, {{ var }} -> {{ body }}), false){% endmacro %}

{#- A list of the given expressions, in order. -#}
{% macro list_of(exprs) %}{{ return(adapter.dispatch('list_of', 'distill')(exprs)) }}{% endmacro %}
{% macro default__list_of(exprs) %}{{ distill._unsupported('list_of') }}{% endmacro %}
{% macro duckdb__list_of(exprs) -%}
  [{% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}
{% macro spark__list_of(exprs) -%}
  array({% for e in exprs %}{{ e }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The entries of a list for which the SQL expression `body` of `var` holds, in order. -#}
{% macro list_where(expr, var, body) %}{{ return(adapter.dispatch('list_where', 'distill')(expr, var, body)) }}{% endmacro %}
{% macro default__list_where(expr, var, body) %}{{ distill._unsupported('list_where') }}{% endmacro %}
{% macro duckdb__list_where(expr, var, body) %}list_filter({{ expr }}, lambda {{ var }}: {{ body }}){% endmacro %}
{% macro spark__list_where(expr, var, body) %}filter({{ expr }}, {{ var }} -> {{ body }}){% endmacro %}

{#- An empty list of strings, typed (a bare empty list has no element type). -#}
{% macro empty_string_list() %}{{ return(adapter.dispatch('empty_string_list', 'distill')()) }}{% endmacro %}
{% macro default__empty_string_list() %}{{ distill._unsupported('empty_string_list') }}{% endmacro %}
{% macro duckdb__empty_string_list() %}cast([] as varchar[]){% endmacro %}
{% macro spark__empty_string_list() %}cast(array() as array<string>){% endmacro %}

{#- An aggregate: the values of `expr` of a group's rows for which `condition` holds, sorted
    ascending (strings by UTF-8 bytes); null when none. -#}
{% macro sorted_list_agg(expr, condition='true') %}{{ return(adapter.dispatch('sorted_list_agg', 'distill')(expr, condition)) }}{% endmacro %}
{% macro default__sorted_list_agg(expr, condition) %}{{ distill._unsupported('sorted_list_agg') }}{% endmacro %}
{% macro duckdb__sorted_list_agg(expr, condition) %}list({{ expr }} order by {{ expr }}) filter (where {{ condition }}){% endmacro %}
{% macro spark__sorted_list_agg(expr, condition) %}nullif(array_sort(collect_list({{ expr }}) filter (where {{ condition }})), array()){% endmacro %}

{#- An aggregate: the values of `expr` of a group's rows, sorted, joined by `separator`. -#}
{% macro sorted_string_agg(expr, separator) %}{{ return(adapter.dispatch('sorted_string_agg', 'distill')(expr, separator)) }}{% endmacro %}
{% macro default__sorted_string_agg(expr, separator) %}{{ distill._unsupported('sorted_string_agg') }}{% endmacro %}
{% macro duckdb__sorted_string_agg(expr, separator) %}string_agg({{ expr }}, {{ separator }} order by {{ expr }}){% endmacro %}
{% macro spark__sorted_string_agg(expr, separator) %}nullif(array_join(array_sort(collect_list({{ expr }})), {{ separator }}), ''){% endmacro %}

{#- A row value of several expressions that compares field by field (min, max, <>). -#}
{% macro tuple_of(exprs) %}{{ return(adapter.dispatch('tuple_of', 'distill')(exprs)) }}{% endmacro %}
{% macro default__tuple_of(exprs) %}{{ distill._unsupported('tuple_of') }}{% endmacro %}
{% macro duckdb__tuple_of(exprs) %}row({{ exprs | join(', ') }}){% endmacro %}
{% macro spark__tuple_of(exprs) %}struct({{ exprs | join(', ') }}){% endmacro %}

{#- Select-list: one row per entry of the list `expr` (the row's other selected columns
  repeated), as the only set-returning expression of its select. On DuckDB it can be much
  cheaper than cross_join_unnest's lateral join over many rows (the near-dup bands at 1M,
  docs/quality-gates.md), not always (int_eval_matches' probes measured no faster). -#}
{% macro unnest_list(expr) %}{{ return(adapter.dispatch('unnest_list', 'distill')(expr)) }}{% endmacro %}
{% macro default__unnest_list(expr) %}{{ distill._unsupported('unnest_list') }}{% endmacro %}
{% macro duckdb__unnest_list(expr) %}unnest({{ expr }}){% endmacro %}
{% macro spark__unnest_list(expr) %}explode({{ expr }}){% endmacro %}

{#- FROM-clause: join each row to one row per entry of its list `expr`, as `alias`(`column`). -#}
{% macro cross_join_unnest(expr, alias, column) %}{{ return(adapter.dispatch('cross_join_unnest', 'distill')(expr, alias, column)) }}{% endmacro %}
{% macro default__cross_join_unnest(expr, alias, column) %}{{ distill._unsupported('cross_join_unnest') }}{% endmacro %}
{% macro duckdb__cross_join_unnest(expr, alias, column) %}cross join unnest({{ expr }}) as {{ alias }} ({{ column }}){% endmacro %}
{% macro spark__cross_join_unnest(expr, alias, column) %}lateral view explode({{ expr }}) {{ alias }} as {{ column }}{% endmacro %}

{#- FROM-clause: as cross_join_unnest, with the entry's 0-based place in its list as `position`. -#}
{% macro cross_join_unnest_indexed(expr, alias, column, position) %}{{ return(adapter.dispatch('cross_join_unnest_indexed', 'distill')(expr, alias, column, position)) }}{% endmacro %}
{% macro default__cross_join_unnest_indexed(expr, alias, column, position) %}{{ distill._unsupported('cross_join_unnest_indexed') }}{% endmacro %}
{% macro duckdb__cross_join_unnest_indexed(expr, alias, column, position) -%}
  cross join lateral (select unnest({{ expr }}) as {{ column }}, generate_subscripts({{ expr }}, 1) - 1 as {{ position }}) as {{ alias }}
{%- endmacro %}
{% macro spark__cross_join_unnest_indexed(expr, alias, column, position) %}lateral view posexplode({{ expr }}) {{ alias }} as {{ position }}, {{ column }}{% endmacro %}

{#- The integers start, start + 1, ..., stop - 1, as a list (empty when stop <= start). -#}
{% macro int_range(start, stop) %}{{ return(adapter.dispatch('int_range', 'distill')(start, stop)) }}{% endmacro %}
{% macro default__int_range(start, stop) %}{{ distill._unsupported('int_range') }}{% endmacro %}
{% macro duckdb__int_range(start, stop) %}range({{ start }}, {{ stop }}){% endmacro %}
{% macro spark__int_range(start, stop) -%}
  case when {{ stop }} > {{ start }} then sequence({{ start }}, {{ stop }} - 1) else array() end
{%- endmacro %}

{#- `length` entries of a list from the 0-based place `offset`. -#}
{% macro list_slice(expr, offset, length) %}{{ return(adapter.dispatch('list_slice', 'distill')(expr, offset, length)) }}{% endmacro %}
{% macro default__list_slice(expr, offset, length) %}{{ distill._unsupported('list_slice') }}{% endmacro %}
{% macro duckdb__list_slice(expr, offset, length) %}list_slice({{ expr }}, {{ offset }} + 1, {{ offset }} + {{ length }}){% endmacro %}
{% macro spark__list_slice(expr, offset, length) %}slice({{ expr }}, {{ offset }} + 1, {{ length }}){% endmacro %}

{#- Every column of a relation alias but the named ones, for a select list. -#}
{% macro star_except(alias, columns) %}{{ return(adapter.dispatch('star_except', 'distill')(alias, columns)) }}{% endmacro %}
{% macro default__star_except(alias, columns) %}{{ distill._unsupported('star_except') }}{% endmacro %}
{% macro duckdb__star_except(alias, columns) %}{{ alias }}.* exclude ({{ columns | join(', ') }}){% endmacro %}
{% macro spark__star_except(alias, columns) %}{{ alias }}.* except ({{ columns | join(', ') }}){% endmacro %}

{#- The distinct entries of a list (in no promised order). -#}
{% macro list_distinct(expr) %}{{ return(adapter.dispatch('list_distinct', 'distill')(expr)) }}{% endmacro %}
{% macro default__list_distinct(expr) %}{{ distill._unsupported('list_distinct') }}{% endmacro %}
{% macro duckdb__list_distinct(expr) %}list_distinct({{ expr }}){% endmacro %}
{% macro spark__list_distinct(expr) %}array_distinct({{ expr }}){% endmacro %}

{#- The distinct entries two lists share. -#}
{% macro list_intersect(a, b) %}{{ return(adapter.dispatch('list_intersect', 'distill')(a, b)) }}{% endmacro %}
{% macro default__list_intersect(a, b) %}{{ distill._unsupported('list_intersect') }}{% endmacro %}
{% macro duckdb__list_intersect(a, b) %}list_intersect({{ a }}, {{ b }}){% endmacro %}
{% macro spark__list_intersect(a, b) %}array_intersect({{ a }}, {{ b }}){% endmacro %}

{#-
  The distinct entries of a list sorted in ascending order, in that order: each entry unlike
  the one before it. `sorted` must be a column (DuckDB reads the previous entry by index). On
  DuckDB this is twice as fast as list_sort(list_distinct(...)): 28M shingle codes of 100K runs
  took 3.7 s sorted then filtered, 7.3 s hashed into distinct lists then sorted (the same lists;
  docs/performance-history.md). Spark's array_distinct keeps first occurrences in order.
-#}
{% macro sorted_distinct(sorted) %}{{ return(adapter.dispatch('sorted_distinct', 'distill')(sorted)) }}{% endmacro %}
{% macro default__sorted_distinct(sorted) %}{{ distill._unsupported('sorted_distinct') }}{% endmacro %}
{% macro duckdb__sorted_distinct(sorted) %}list_filter({{ sorted }}, lambda entry, i: i = 1 or entry <> {{ sorted }}[i - 1]){% endmacro %}
{% macro spark__sorted_distinct(sorted) %}array_distinct({{ sorted }}){% endmacro %}

{#-
  How many entries two lists of distinct entries share. On DuckDB it is |a| + |b| - |a ∪ b|,
  the union one list_distinct of both: on 150,000 of the 1M planted substrate's near-dup
  candidates (about 200 codes a side), 6.05 s against 7.95 s for len(list_intersect(a, b)), the
  same counts. Entries must be distinct within each list.
-#}
{% macro shared_count(a, b) %}{{ return(adapter.dispatch('shared_count', 'distill')(a, b)) }}{% endmacro %}
{% macro default__shared_count(a, b) %}{{ distill._unsupported('shared_count') }}{% endmacro %}
{% macro duckdb__shared_count(a, b) %}len({{ a }}) + len({{ b }}) - len(list_distinct(list_concat({{ a }}, {{ b }}))){% endmacro %}
{% macro spark__shared_count(a, b) %}size(array_intersect({{ a }}, {{ b }})){% endmacro %}

{#- A list's entries in ascending order. -#}
{% macro list_sort(expr) %}{{ return(adapter.dispatch('list_sort', 'distill')(expr)) }}{% endmacro %}
{% macro default__list_sort(expr) %}{{ distill._unsupported('list_sort') }}{% endmacro %}
{% macro duckdb__list_sort(expr) %}list_sort({{ expr }}){% endmacro %}
{% macro spark__list_sort(expr) %}array_sort({{ expr }}){% endmacro %}
