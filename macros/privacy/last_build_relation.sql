{#- The relation a model's last build left, looked up by name: reading it
    adds no dependency, so the model may run after the reader in this run
    (the privacy models read the touches, the graph and the exports as the
    last run left them, before the erasure rebuilds them). None at parse
    time and when the model was never built. -#}
{% macro last_build_relation(model_name) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=target.database,
        schema=graph.nodes['model.' ~ project_name ~ '.' ~ model_name].schema,
        identifier=model_name,
    )) }}
{% endmacro %}
