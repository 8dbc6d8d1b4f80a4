{# One row per edge of the unguarded components holding two or more users
   (int_identity_components_conflicted), the only edges the conflict guard
   judges, with what its rules read: the product user owning each end, the
   anonymous island (int_identity_components_anonymous) of either end and
   the user of the other. A view: int_identity_edges_judged reads it, and
   those components hold a few hundred of 5.5M edges at 10M touches. #}
{{ config(materialized='view') }}
with

edges as (

    select * from {{ ref('int_identity_edges') }}

),

identifiers as (

    select
        node_id,
        owner_user_id
    from {{ ref('int_identifiers') }}

),

islands as (

    select * from {{ ref('int_identity_components_anonymous') }}

),

conflicted_nodes as (

    {{ conflicted_component_nodes_sql() }}

),

{# both ends of an edge are in one unguarded component #}
guarded_edges as (

    select edges.*
    from edges
    inner join conflicted_nodes
        on edges.node_a = conflicted_nodes.node_id

),

final as (

    select
        ---------- ids
        guarded_edges.edge_id,
        guarded_edges.node_a,
        guarded_edges.node_b,
        identifiers_a.owner_user_id as owner_a_user_id,
        identifiers_b.owner_user_id as owner_b_user_id,
        coalesce(islands_a.component_id, islands_b.component_id) as island_id,
        coalesce(
            identifiers_a.owner_user_id, identifiers_b.owner_user_id
        ) as owner_user_id,

        ---------- strings
        guarded_edges.evidence_kind

    from guarded_edges
    inner join identifiers as identifiers_a
        on guarded_edges.node_a = identifiers_a.node_id
    inner join identifiers as identifiers_b
        on guarded_edges.node_b = identifiers_b.node_id
    left join islands as islands_a
        on guarded_edges.node_a = islands_a.node_id
    left join islands as islands_b
        on guarded_edges.node_b = islands_b.node_id

)

select * from final
