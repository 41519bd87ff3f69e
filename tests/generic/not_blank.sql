{#-
  SPEC §2 blank: null or only whitespace (the SPEC's whitespace set, not only ASCII spaces).
  Returns every row whose value is blank.
-#}
{% test not_blank(model, column_name) %}
select {{ column_name }} as blank_value
from {{ model }}
where {{ distill.is_blank(column_name) }}
{% endtest %}
