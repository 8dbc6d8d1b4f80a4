{# One row per graph edge: two identifiers that co-occur in one record, with
   the record as provenance (source, record, when the record was seen). Each
   record is a star around its smallest identifier_id, which links all of its
   identifiers with the fewest edges (by identifier, not node id: node ids
   depend on the order identifiers arrived in). Shared identifiers link nothing; every
   identifier also gets a self-loop so that one with no edge still becomes a
   person. #}
with

evidence as (

    select * from {{ ref('int_identifiers_unioned') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

linkable as (

    select
        evidence.record_id,
        evidence.source_system,
        evidence.observed_at,
        identifiers.node_id,
        identifiers.identifier_id

    from evidence
    inner join identifiers
        on evidence.identifier_id = identifiers.identifier_id
    where not identifiers.is_shared

),

{# the node of the record's smallest identifier_id: compared as strings
   once per row, cheaper than a min() of the strings joined back #}
record_hubs as (

    select
        record_id,
        {{ value_at_min('node_id', 'identifier_id') }} as hub_node_id

    from linkable
    group by 1

),

record_edges as (

    select distinct
        record_hubs.hub_node_id as node_a,
        linkable.node_id as node_b,
        linkable.record_id,
        linkable.source_system,
        case
            when linkable.source_system = 'app' then 'user_record'
            else 'lead_record'
        end as evidence_kind,
        linkable.observed_at

    from linkable
    inner join record_hubs
        on linkable.record_id = record_hubs.record_id
    where linkable.node_id <> record_hubs.hub_node_id

),

self_loops as (

    select
        node_id as node_a,
        node_id as node_b,
        cast(null as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        'self' as evidence_kind,
        first_seen_at as observed_at

    from identifiers

),

unioned as (

    select * from record_edges
    union all
    select * from self_loops

),

final as (

    select
        ---------- ids
        {# from identifier ids, not node ids: the same edge keeps its id
           (and a conflict its conflict_id) when node ids are renumbered #}
        {{ hash_identifier(
            "identifiers_a.identifier_id || '-' || identifiers_b.identifier_id"
            ~ " || '|' || coalesce(unioned.record_id, 'self')"
        ) }} as edge_id,
        unioned.node_a,
        unioned.node_b,
        identifiers_a.identifier_id as identifier_a_id,
        identifiers_b.identifier_id as identifier_b_id,
        unioned.record_id,

        ---------- strings
        unioned.source_system,
        unioned.evidence_kind,

        ---------- timestamps
        unioned.observed_at

    from unioned
    inner join identifiers as identifiers_a
        on unioned.node_a = identifiers_a.node_id
    inner join identifiers as identifiers_b
        on unioned.node_b = identifiers_b.node_id

)

select * from final
