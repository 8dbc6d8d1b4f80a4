{# Fails with one row per group that holds more than one distinct non-null
   value of the column: "at most one <column_name> per <group_by>". #}
{% test at_most_one_value_per_group(model, column_name, group_by) %}

with

grouped as (

    select
        {{ group_by }} as group_value,
        count(distinct {{ column_name }}) as value_count

    from {{ model }}
    where {{ column_name }} is not null
    group by 1

)

select *
from grouped
where value_count > 1

{% endtest %}
