{# The edges that may link. Where the unguarded components would put two
   product users in one person, only the users' own records keep their
   edges there: every lead edge inside such a component is refused (see
   identity_conflicts), because Amplitude cannot undo a merge of two users. #}
with

edges as (

    select * from {{ ref('int_identity_edges') }}

),

conflicted_components as (

    select * from {{ ref('int_identity_components_conflicted') }}

),

components as (

    select * from {{ ref('int_identity_components_unguarded') }}

),

final as (

    select edges.*
    from edges
    inner join components
        on edges.node_a = components.node_id
    left join conflicted_components
        on components.component_id = conflicted_components.component_id
    where conflicted_components.component_id is null
        or edges.source_system = 'app'
        or edges.record_id is null

)

select * from final
