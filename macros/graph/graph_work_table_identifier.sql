{% macro graph_work_table_identifier(target_relation, step_name) %}
    {#- <model>__cc_<invocation>_<step>: the invocation id makes the name
        unique per dbt run. -#}
    {%- set run_suffix = invocation_id | replace('-', '') -%}
    {{ return(target_relation.identifier ~ '__cc_' ~ run_suffix[:12]
        ~ '_' ~ step_name) }}
{% endmacro %}
