{# One row per graph edge: two identifiers that co-occur in a record, with
   the record as provenance. Each record is a star around its smallest node,
   which links all of its identifiers with the fewest edges. Shared
   identifiers link nothing; every identifier also gets a self-loop so that
   one with no edge still becomes a person. #}
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
        identifiers.node_id

    from evidence
    inner join identifiers
        on evidence.identifier_id = identifiers.identifier_id
    where not identifiers.is_shared

),

record_hubs as (

    select
        record_id,
        min(node_id) as hub_node_id

    from linkable
    group by 1

),

record_edges as (

    select distinct
        record_hubs.hub_node_id as node_a,
        linkable.node_id as node_b,
        linkable.record_id,
        linkable.source_system,
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
        first_seen_at as observed_at

    from identifiers

),

final as (

    select
        {{ hash_identifier("cast(node_a as " ~ dbt.type_string() ~ ") || '-' || cast(node_b as " ~ dbt.type_string() ~ ") || '|' || coalesce(record_id, 'self')") }}
            as edge_id,
        *

    from (
        select * from record_edges
        union all
        select * from self_loops
    ) as unioned

)

select * from final
