{# Connected components of the lead edges between identifiers that no
   product user owns: the anonymous islands. An island that reaches one
   user joins that user; one that reaches two or more users is contested
   and stays anonymous (see int_identity_edges_judged). #}
with recursive

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

anonymous_edges as (

    select
        edges.node_a,
        edges.node_b

    from {{ ref('int_identity_edges') }} as edges
    inner join identifiers as identifiers_a
        on edges.node_a = identifiers_a.node_id
    inner join identifiers as identifiers_b
        on edges.node_b = identifiers_b.node_id
    where edges.evidence_kind in ('lead_record', 'self')
        and identifiers_a.owner_user_id is null
        and identifiers_b.owner_user_id is null

),

edges as (

    select node_a, node_b from anonymous_edges
    union all
    select node_b, node_a from anonymous_edges

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
