{% macro graph_intermediate_relation(target_relation, step_name) %}
    {#- A work table next to the model: <model>__cc_<invocation>_<step>.
        The invocation id makes the name unique per dbt run. -#}
    {%- set run_suffix = invocation_id | replace('-', '') -%}
    {%- set identifier = target_relation.identifier ~ '__cc_'
        ~ run_suffix[:12] ~ '_' ~ step_name -%}
    {{ return(target_relation.incorporate(
        path={"identifier": identifier},
        type='table',
    )) }}
{% endmacro %}
