{% macro graph_intermediate_relation(target_relation, step_name) %}
    {{ return(adapter.dispatch('graph_intermediate_relation')(target_relation, step_name)) }}
{% endmacro %}

{% macro default__graph_intermediate_relation(target_relation, step_name) %}
    {#- A work table next to the model, in the model's schema. -#}
    {{ return(target_relation.incorporate(
        path={"identifier": graph_work_table_identifier(target_relation, step_name)},
        type='table',
    )) }}
{% endmacro %}

{% macro duckdb__graph_intermediate_relation(target_relation, step_name) %}
    {#- A TEMPORARY table: DuckDB keeps it in the connection's own temp
        catalog (temp.main), so nothing is written to the database file,
        and it disappears with the connection. dbt-duckdb gives every node
        one connection (its own DuckDB cursor) for the whole
        materialization, so the statements of all rounds see it. -#}
    {{ return(api.Relation.create(
        database='temp',
        schema='main',
        identifier=graph_work_table_identifier(target_relation, step_name),
        type='table',
    )) }}
{% endmacro %}
