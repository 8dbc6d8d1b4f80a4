{% macro graph_create_table(relation, sql) %}
    {{ return(adapter.dispatch('graph_create_table')(relation, sql)) }}
{% endmacro %}

{% macro default__graph_create_table(relation, sql) %}
    {% do run_query(get_create_table_as_sql(False, relation, sql)) %}
    {{ return(relation) }}
{% endmacro %}
