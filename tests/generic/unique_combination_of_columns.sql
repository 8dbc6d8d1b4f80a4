{# Fails with the combinations of `columns` that occur more than once: the
   primary-key test of a model whose key spans several columns. #}
{% test unique_combination_of_columns(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
