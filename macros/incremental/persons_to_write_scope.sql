{#- A SQL condition on person_id: the persons an append of dim_persons
    recomputes, those of the CTE persons_to_write (persons_to_write_cte);
    every person in a rebuild or when a read mark is unknown. -#}
{% macro persons_to_write_scope(scope) %}
    {%- if incremental_read_mark(scope, 'identifier_mark') is not none
        and incremental_read_mark(scope, 'touch_mark') is not none -%}
        person_id in (select person_id from persons_to_write)
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}
