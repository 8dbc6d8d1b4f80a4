{{ config(materialized='connected_components') }}
{# Connected components of the accepted edges inside the unguarded
   components holding two or more users (int_identity_components_conflicted):
   the only components the guard can split, since it judges only their
   edges. One row per node of those components (node_id, component_id) from
   the connected_components materialization; every other person is its
   unguarded component (int_identity_components). #}
with

accepted_edges as (

    select * from {{ ref('int_identity_edges_accepted') }}

),

conflicted_nodes as (

    {{ conflicted_component_nodes_sql() }}

),

{# both ends of an edge are in one unguarded component; every node has an
   accepted self-loop, so each node of those components is in the output #}
final as (

    select
        accepted_edges.node_a,
        accepted_edges.node_b

    from accepted_edges
    inner join conflicted_nodes
        on accepted_edges.node_a = conflicted_nodes.node_id

)

select * from final
