{% macro graph_create_work_table_sql(relation, select_sql) %}
    {{ return(adapter.dispatch('graph_create_work_table_sql')(relation, select_sql)) }}
{% endmacro %}

{% macro default__graph_create_work_table_sql(relation, select_sql) %}
    {#- A regular table in the model's schema (Spark and other engines). -#}
    {{ return(get_create_table_as_sql(False, relation, select_sql)) }}
{% endmacro %}

{% macro duckdb__graph_create_work_table_sql(relation, select_sql) %}
    {#- A temporary table (see duckdb__graph_intermediate_relation). Plain
        SQL rather than create_table_as: the model's contract or sql_header
        concern the model's table, not the work tables. -#}
    {%- set create_sql -%}
create temporary table {{ relation }} as (
{{ select_sql }}
)
    {%- endset -%}
    {{ return(create_sql) }}
{% endmacro %}
