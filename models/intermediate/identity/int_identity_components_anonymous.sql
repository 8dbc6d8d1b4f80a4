{{ config(materialized='connected_components') }}
{# Connected components of the lead edges between identifiers that no
   product user owns: the anonymous islands. An island that reaches one
   user joins that user; one that reaches two or more users is contested
   and stays anonymous (see int_identity_edges_judged). One row per node
   (node_id, component_id) from the connected_components materialization. #}
with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

edges as (

    select * from {{ ref('int_identity_edges') }}

),

final as (

    select
        edges.node_a,
        edges.node_b

    from edges
    inner join identifiers as identifiers_a
        on edges.node_a = identifiers_a.node_id
    inner join identifiers as identifiers_b
        on edges.node_b = identifiers_b.node_id
    where edges.evidence_kind in ('lead_record', 'self')
        and identifiers_a.owner_user_id is null
        and identifiers_b.owner_user_id is null

)

select * from final
