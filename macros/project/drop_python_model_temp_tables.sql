{% macro drop_python_model_temp_tables(relation) %}
    {{ return(adapter.dispatch('drop_python_model_temp_tables')(relation)) }}
{% endmacro %}

{% macro default__drop_python_model_temp_tables(relation) %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__drop_python_model_temp_tables(relation) %}
    {#- dbt-duckdb 1.11 writes the new rows of an incremental Python model to a
        plain (not temporary) table <model>__dbt_tmp<timestamp> in the default
        schema and never drops it: one more table per run. A post-hook drops
        every such table of the model, a failed run's included. -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set leftovers = run_query(
        "select schema_name, table_name from duckdb_tables()"
        ~ " where database_name = '" ~ relation.database ~ "' and not temporary"
        ~ " and starts_with(table_name, '" ~ relation.identifier ~ "__dbt_tmp')"
    ) -%}
    {%- set statements = [] -%}
    {%- for leftover in leftovers.rows -%}
        {%- do statements.append(
            'drop table if exists ' ~ api.Relation.create(
                database=relation.database,
                schema=leftover[0],
                identifier=leftover[1],
            )
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
