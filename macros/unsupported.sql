{#
  Engine-specific SQL is one dispatched macro per capability (the pattern of dbt-core's own
  cross-database macros): models call only those, so another engine needs a new `<adapter>__`
  implementation and no change to a model. `default__` refuses loudly through this macro: a
  silent fallback could change an id or let a gate pass.
#}
{% macro _unsupported(name) %}
  {{ exceptions.raise_compiler_error(
      "distill: macro '" ~ name ~ "' has no implementation for adapter '" ~ adapter.type() ~ "'") }}
{% endmacro %}
