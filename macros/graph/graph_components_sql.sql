{% macro graph_components_sql(input_relation, labels_relation) %}
    {{ return(adapter.dispatch('graph_components_sql')(input_relation, labels_relation)) }}
{% endmacro %}

{% macro default__graph_components_sql(input_relation, labels_relation) %}
{#- One row per node of the input. Nodes absent from the composed map had
    only self-loops: each is its own component. The random representative
    is replaced by the component's smallest node id. -#}
with

nodes as (

    select node_a as node_id
    from {{ input_relation }}

    union

    select node_b as node_id
    from {{ input_relation }}

),

represented as (

    select
        nodes.node_id,
{%- if labels_relation is none %}
        nodes.node_id as representative_id
    from nodes
{%- else %}
        coalesce(
            labels.representative_id,
            nodes.node_id
        ) as representative_id
    from nodes
    left join {{ labels_relation }} as labels
        on nodes.node_id = labels.node_id
{%- endif %}

),

final as (

    select
        cast(node_id as {{ dbt.type_bigint() }}) as node_id,
        cast(
            min(node_id) over (partition by representative_id)
            as {{ dbt.type_bigint() }}
        ) as component_id
    from represented

)

select * from final
{%- endmacro %}
