{# One row per refused edge: a link that would have put two product users in
   one person. #}
with

edges as (

    select * from {{ ref('int_identity_edges') }}

),

accepted as (

    select edge_id from {{ ref('int_identity_edges_accepted') }}

),

components as (

    select * from {{ ref('int_identity_components_unguarded') }}

),

conflicted as (

    select * from {{ ref('int_identity_components_conflicted') }}

),

identifiers as (

    select node_id, identifier_id from {{ ref('int_identifiers') }}

),

final as (

    select
        ---------- ids
        edges.edge_id as conflict_id,
        edges.record_id,
        node_a_identifiers.identifier_id as identifier_a_id,
        node_b_identifiers.identifier_id as identifier_b_id,

        ---------- strings
        edges.source_system,
        'refused: would join users ' || conflicted.user_ids as reason,

        ---------- timestamps
        edges.observed_at

    from edges
    inner join components
        on edges.node_a = components.node_id
    inner join conflicted
        on components.component_id = conflicted.component_id
    inner join identifiers as node_a_identifiers
        on edges.node_a = node_a_identifiers.node_id
    inner join identifiers as node_b_identifiers
        on edges.node_b = node_b_identifiers.node_id
    left join accepted
        on edges.edge_id = accepted.edge_id
    where accepted.edge_id is null

)

select * from final
