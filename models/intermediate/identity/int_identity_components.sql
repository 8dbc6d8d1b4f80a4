{# One row per node (identifier) with its connected component over the
   accepted edges: the persons. The guard refuses edges only inside the
   unguarded components holding two or more users, so every other unguarded
   component is a component of the accepted edges as it is (no edge leaves
   it, none of its edges is refused), with the same smallest node id; the
   split ones come from int_identity_components_guarded. At 10M touches
   that spares a second pass of connected components over 5.5M edges. #}
with

unguarded as (

    select * from {{ ref('int_identity_components_unguarded') }}

),

guarded as (

    select * from {{ ref('int_identity_components_guarded') }}

),

kept as (

    select
        unguarded.node_id,
        unguarded.component_id

    from unguarded
    left join guarded
        on unguarded.node_id = guarded.node_id
    where guarded.node_id is null

),

final as (

    select
        node_id,
        component_id
    from kept

    union all

    select
        node_id,
        component_id
    from guarded

)

select * from final
