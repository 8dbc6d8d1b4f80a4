{% macro graph_commit() %}
    {{ return(adapter.dispatch('graph_commit')()) }}
{% endmacro %}

{% macro default__graph_commit() %}
    {% do adapter.commit() %}
{% endmacro %}

{% macro spark__graph_commit() %}
    {#- Spark has no transactions; dbt-spark's own table materialization
        never commits either. -#}
{% endmacro %}
