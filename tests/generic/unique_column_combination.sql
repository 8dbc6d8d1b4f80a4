{# Fails with one row per combination of the columns found more than once:
   a primary key made of several columns. #}
{% test unique_column_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as row_count

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
