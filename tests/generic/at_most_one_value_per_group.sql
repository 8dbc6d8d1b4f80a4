{# Fails with one row per group that holds more than one distinct non-null
   value of the column: "at most one <column_name> per <group_by>". Two
   values differ exactly when the group's min and max do, which needs no
   distinct set per group (count(distinct) took 1.1 s, on the critical
   path, at 2.9M identifiers). #}
{% test at_most_one_value_per_group(model, column_name, group_by) %}

with

grouped as (

    select
        {{ group_by }} as group_value,
        min({{ column_name }}) as min_value,
        max({{ column_name }}) as max_value

    from {{ model }}
    where {{ column_name }} is not null
    group by 1

)

select *
from grouped
where min_value <> max_value

{% endtest %}
