{#- A select of one row per node (node_id) of the unguarded components
    holding two or more users (int_identity_components_conflicted): the
    only identifiers whose edges the conflict guard can refuse. -#}
{% macro conflicted_component_nodes_sql() %}
    select components.node_id
    from {{ ref('int_identity_components_unguarded') }} as components
    inner join {{ ref('int_identity_components_conflicted') }} as conflicted
        on components.component_id = conflicted.component_id
{% endmacro %}
