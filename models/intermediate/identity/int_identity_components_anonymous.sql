{{ config(materialized='connected_components') }}
{# Connected components of the lead edges between identifiers that no
   product user owns: the anonymous islands. An island that reaches one
   user joins that user; one that reaches two or more users is contested
   and stays anonymous (see int_identity_edges_judged). Only the islands of
   the unguarded components holding two or more users
   (int_identity_components_conflicted) are computed: elsewhere the guard
   refuses nothing, and an island never leaves its unguarded component. One
   row per node (node_id, component_id) from the connected_components
   materialization. #}
with

edges as (

    select * from {{ ref('int_identity_edges') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

conflicted_nodes as (

    {{ conflicted_component_nodes_sql() }}

),

{# the identifiers of those components that no user owns #}
anonymous_nodes as (

    select conflicted_nodes.node_id
    from conflicted_nodes
    inner join identifiers
        on conflicted_nodes.node_id = identifiers.node_id
    where identifiers.owner_user_id is null

),

final as (

    select
        edges.node_a,
        edges.node_b

    from edges
    where edges.evidence_kind in ('lead_record', 'self')
        and edges.node_a in (
            select anonymous_nodes.node_id from anonymous_nodes
        )
        and edges.node_b in (
            select anonymous_nodes.node_id from anonymous_nodes
        )

)

select * from final
