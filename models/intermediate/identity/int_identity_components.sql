{# Connected components of every edge, after the user-conflict guard: the persons. #}
{% if target.type == 'spark' -%}
{{ spark_connected_components(ref('int_identity_edges_accepted')) }}
{%- else -%}
with recursive

edges as (

    select node_a, node_b from {{ ref('int_identity_edges_accepted') }}
    union all
    select node_b, node_a from {{ ref('int_identity_edges_accepted') }}

),

reach (node_id, component_id) as (

    select node_a, node_a from edges
    union
    select edges.node_b, reach.component_id
    from reach
    inner join edges
        on reach.node_id = edges.node_a

),

final as (

    select
        node_id,
        min(component_id) as component_id

    from reach
    group by 1

)

select * from final
{%- endif %}
