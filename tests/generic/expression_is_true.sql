{#-
  A rule every row must satisfy, given as a SQL boolean expression over the model's columns.
  Returns every row for which the expression is false or null.
-#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
