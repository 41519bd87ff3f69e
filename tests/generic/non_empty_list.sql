{#-
  A list column that must hold at least one entry, none of them blank (quarantine `errors`,
  SPEC §5). Returns every row whose list is null, empty, or has a blank entry.
-#}
{% test non_empty_list(model, column_name) %}
select {{ column_name }} as bad_list
from {{ model }}
where
    {{ column_name }} is null
    or {{ distill.list_len(column_name) }} = 0
    or {{ distill.list_any(column_name, 'entry', distill.is_blank('entry')) }}
{% endtest %}
