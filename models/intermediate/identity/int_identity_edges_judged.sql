{# One row per graph edge with the guard's verdict: refusal_reason is null
   when the edge may link. A person never holds two product users, because
   Amplitude cannot undo a merge of two users:
   - a user's own record (app) and the self-loops always link; no two users
     share an identifier that links (see int_identifiers: such an
     identifier is shared);
   - a lead record that links identifiers of two different users is
     refused;
   - an anonymous island (int_identity_components_anonymous) that reaches
     exactly one user joins it; one that reaches two or more users is
     contested: every edge from it to a user is refused, and the island
     stays an anonymous person of its own.
   In a component holding at most one user nothing is refused, so there the
   persons are the plain connected components of the evidence: only the
   edges of the unguarded components holding two or more users
   (int_identity_edges_oriented) are judged; every other edge is accepted
   as it is (at 10M touches, a few hundred of 5.5M edges are judged). #}
{# A view: its readers are the guarded components (the accepted edges of
   the conflicted components), identity_conflicts (the refused ones) and two
   tests; writing 5.5M edges each run cost 2 s, on the critical path at 10M
   touches. int_identity_edges is read once here and once in
   int_identity_edges_oriented: DuckDB would materialize a CTE read twice,
   every edge with every column. #}
{{ config(materialized='view') }}
with

oriented as (

    select * from {{ ref('int_identity_edges_oriented') }}

),

edges as (

    select * from {{ ref('int_identity_edges') }}

),

conflicted_nodes as (

    {{ conflicted_component_nodes_sql() }}

),

{# The users each island reaches through a lead record. #}
island_users as (

    select
        island_id,
        count(distinct owner_user_id) as user_count,
        {{ string_agg_distinct('owner_user_id', "', '") }} as user_ids

    from oriented
    where evidence_kind = 'lead_record'
        and island_id is not null
        and owner_user_id is not null
    group by 1

),

judged as (

    select
        oriented.*,
        case
            when oriented.evidence_kind <> 'lead_record' then null
            when oriented.owner_a_user_id is not null
                and oriented.owner_b_user_id is not null
                and oriented.owner_a_user_id <> oriented.owner_b_user_id
                then 'refused: the record links identifiers of two users ('
                    || least(
                        oriented.owner_a_user_id, oriented.owner_b_user_id
                    ) || ', '
                    || greatest(
                        oriented.owner_a_user_id, oriented.owner_b_user_id
                    ) || ')'
            when oriented.owner_user_id is not null
                and island_users.user_count > 1
                then 'refused: through anonymous identifiers it would join users (' -- noqa: LT05
                    || island_users.user_ids || '); those stay anonymous'
        end as refusal_reason

    from oriented
    left join island_users
        on oriented.island_id = island_users.island_id
        and oriented.owner_user_id is not null

),

{# Only what the graph and the guard's checks read: identity_conflicts
   takes a refused edge's identifiers and provenance from
   int_identity_edges. Writing them again for every edge cost half of this
   model's time. #}
final as (

    select
        ---------- ids
        edge_id,
        node_a,
        node_b,

        ---------- strings
        evidence_kind,
        refusal_reason,

        ---------- booleans
        refusal_reason is null as is_accepted

    from judged

    union all

    select
        edges.edge_id,
        edges.node_a,
        edges.node_b,
        edges.evidence_kind,
        cast(null as {{ dbt.type_string() }}) as refusal_reason,
        true as is_accepted

    from edges
    left join conflicted_nodes
        on edges.node_a = conflicted_nodes.node_id
    where conflicted_nodes.node_id is null

)

select * from final
