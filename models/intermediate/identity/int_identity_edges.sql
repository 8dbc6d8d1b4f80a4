{# One row per graph edge: two identifiers that co-occur in one record, with
   the record as provenance (source, record, when the record was seen). Each
   record is a star around its smallest identifier_id, which links all of its
   identifiers with the fewest edges (by identifier, not node id: node ids
   depend on the order identifiers arrived in). Shared identifiers link
   nothing; every identifier also gets a self-loop so that one with no edge
   still becomes a person.
   Incremental on DuckDB: node ids stay across appends of int_identifiers, so
   a run recomputes only the stars of the records int_identifiers_unioned
   rewrote and of the records holding an identifier whose shared verdict
   changed, and the self-loops of identifiers new or changed; the pre-hook
   deletes the rows they replace. #}
{{ config(**incremental_chain_config(
    ['int_identifiers_unioned'],
    pre_hooks=['{{ identity_edges_delete_replaced() }}'],
    read_marks={'shared_verdicts': ['int_identifiers', '_shared_changed_at']},
)) }}
{% set scope = incremental_scope() %}
with

{# materialized in an append: else DuckDB joins all the evidence to
   int_identifiers before it filters the records (5.3 s against 1.7 s at 10M
   touches) #}
evidence as {{ 'materialized ' if scope.mode == 'append' }}(

    select *
    from {{ ref('int_identifiers_unioned') }}
    where {{ identity_edges_recomputes_record(scope) }}

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

{# the record's smallest identifier_id and its node: compared as strings
   once per row, cheaper than a min() of the strings joined back #}
record_hubs as (

    select
        record_id,
        min(identifier_id) as hub_identifier_id,
        {{ value_at_min('node_id', 'identifier_id') }} as hub_node_id

    from linkable
    group by 1

),

record_edges as (

    select distinct
        record_hubs.hub_node_id as node_a,
        linkable.node_id as node_b,
        record_hubs.hub_identifier_id as identifier_a_id,
        linkable.identifier_id as identifier_b_id,
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

{# an append writes the self-loops the pre-hook deleted or never wrote #}
self_loops as (

    select
        node_id as node_a,
        node_id as node_b,
        identifier_id as identifier_a_id,
        identifier_id as identifier_b_id,
        cast(null as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        'self' as evidence_kind,
        first_seen_at as observed_at

    from identifiers
    where {{ identity_edges_lacks_self_loop(scope, 'identifiers') }}

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
            "identifier_a_id || '-' || identifier_b_id"
            ~ " || '|' || coalesce(record_id, 'self')"
        ) }} as edge_id,
        node_a,
        node_b,
        identifier_a_id,
        identifier_b_id,
        record_id,

        ---------- strings
        source_system,
        evidence_kind,

        ---------- timestamps
        observed_at

    from unioned

)

select * from final
