{% macro graph_components_sql(labels_relation) %}
    {{ return(adapter.dispatch('graph_components_sql')(labels_relation)) }}
{% endmacro %}

{% macro default__graph_components_sql(labels_relation) %}
{#- One row per node (the composed map covers every node of the input).
    The random representative is replaced by the component's smallest
    node id, so the result does not depend on the seed. -#}
select
    cast(node_id as {{ dbt.type_bigint() }}) as node_id,
    cast(
        min(node_id) over (partition by representative_id)
        as {{ dbt.type_bigint() }}
    ) as component_id
from {{ labels_relation }}
{%- endmacro %}
