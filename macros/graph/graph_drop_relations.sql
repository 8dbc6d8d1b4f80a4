{% macro graph_drop_relations(relations) %}
    {{ return(adapter.dispatch('graph_drop_relations')(relations)) }}
{% endmacro %}

{% macro default__graph_drop_relations(relations) %}
    {% for relation in relations %}
        {% if relation is not none %}
            {% do adapter.drop_relation(relation) %}
        {% endif %}
    {% endfor %}
{% endmacro %}

{% macro duckdb__graph_drop_relations(relations) %}
    {#- The work tables are not in dbt's relation cache (they are created
        with plain statements), so one script of drops is enough. -#}
    {%- set statements = [] -%}
    {%- for relation in relations -%}
        {%- if relation is not none -%}
            {%- do statements.append('drop table if exists ' ~ relation) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do graph_run_statements(statements) -%}
{% endmacro %}
