{{ config(materialized='connected_components') }}
{# Connected components of the accepted edges: the persons. One row per
   node (node_id, component_id) from the connected_components
   materialization. #}
with

accepted_edges as (

    select * from {{ ref('int_identity_edges_accepted') }}

),

final as (

    select
        node_a,
        node_b

    from accepted_edges

)

select * from final
