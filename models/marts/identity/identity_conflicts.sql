{# One row per refused edge: evidence from a lead record that would have put
   two product users in one person, with the reason. Its identifiers stay
   apart; an anonymous identifier attached only through such evidence stays
   in an anonymous person. #}
with

judged as (

    select * from {{ ref('int_identity_edges_judged') }}

),

edges as (

    select * from {{ ref('int_identity_edges') }}

),

components as (

    select * from {{ ref('int_identity_components_unguarded') }}

),

conflicted as (

    select * from {{ ref('int_identity_components_conflicted') }}

),

final as (

    select
        ---------- ids
        judged.edge_id as conflict_id,
        edges.record_id,
        edges.identifier_a_id,
        edges.identifier_b_id,

        ---------- strings
        edges.source_system,
        judged.refusal_reason as reason,
        conflicted.user_ids as unguarded_component_user_ids,

        ---------- timestamps
        edges.observed_at

    from judged
    inner join edges
        on judged.edge_id = edges.edge_id
    inner join components
        on judged.node_a = components.node_id
    left join conflicted
        on components.component_id = conflicted.component_id
    where not judged.is_accepted

)

select * from final
