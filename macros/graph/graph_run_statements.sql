{% macro graph_run_statements(statements) %}
    {{ return(adapter.dispatch('graph_run_statements')(statements)) }}
{% endmacro %}

{% macro default__graph_run_statements(statements) %}
    {#- One statement per call: the portable way (Spark takes one at a time).
        Returns the result of the last statement. -#}
    {%- set state = namespace(result=none) -%}
    {%- for statement_sql in statements -%}
        {%- set state.result = run_query(statement_sql) -%}
    {%- endfor -%}
    {{ return(state.result) }}
{% endmacro %}

{% macro duckdb__graph_run_statements(statements) %}
    {#- DuckDB runs a ;-separated script in one call and returns the last
        statement's result: one round trip per contraction round instead of
        one per statement, which is most of the time on the small late
        rounds. -#}
    {%- if statements | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query(statements | join(';\n'))) }}
{% endmacro %}
