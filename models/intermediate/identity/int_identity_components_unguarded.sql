{{ config(materialized='connected_components') }}
{# Connected components of every edge, before the user-conflict guard. The
   connected_components materialization (macros/graph) turns this edge list
   into one row per node: node_id, component_id (its smallest node_id). #}
with

edges as (

    select * from {{ ref('int_identity_edges') }}

),

final as (

    select
        node_a,
        node_b

    from edges

)

select * from final
