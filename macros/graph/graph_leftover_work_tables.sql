{% macro graph_leftover_work_tables(target_relation) %}
    {{ return(adapter.dispatch('graph_leftover_work_tables')(target_relation)) }}
{% endmacro %}

{% macro default__graph_leftover_work_tables(target_relation) %}
    {#- Regular work tables are visible to anyone after the run (look for
        <model>__cc_* in the model's schema); nothing to check here. -#}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__graph_leftover_work_tables(target_relation) %}
    {#- Temporary work tables are only visible on the connection that made
        them, so the check has to run here, on that connection: the names of
        this model's work tables still in its temp catalog. -#}
    {%- set prefix = target_relation.identifier | replace('_', '\\_') ~ '\\_\\_cc\\_' -%}
    {%- set result = run_query(
        "select table_name from duckdb_tables() where temporary"
        ~ " and table_name like '" ~ prefix ~ "%' escape '\\'"
        ~ " order by table_name"
    ) -%}
    {{ return(result.columns[0].values() | list) }}
{% endmacro %}
