{# One row per identifier with its person. Each person is named after its
   anchor, chosen from the registry of ids already handed out
   (int_person_ids_registry, which this run has just extended): an email or
   phone before a user_id, then the earliest registered. So the ids stay
   the same on every run and on --full-refresh while the evidence stands, a
   merge keeps the older person's ids, and a late older observation does
   not move an anchor. The person's Amplitude device_id is the anchor's
   hash.
   Incremental on DuckDB: every row is computed, but a run writes only the
   identifiers that are new or whose row changed, marked with _clustered_at
   (clustered_identifiers_to_write), and deletes those gone from
   int_identifiers. _person_changed_at moves only when the identifier's
   person, device_id or user_id does. #}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key='identifier_id',
    on_schema_change='sync_all_columns',
    post_hook=[
        "{{ delete_keys_gone_from('int_identifiers', 'identifier_id') }}",
    ],
) }}
with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

components as (

    select * from {{ ref('int_identity_components') }}

),

registry as (

    select * from {{ ref('int_person_ids_registry') }}

),

clustered as (

    select
        identifiers.*,
        components.component_id

    from identifiers
    inner join components
        on identifiers.node_id = components.node_id

),

anchors as (

    select
        clustered.component_id,
        registry.person_id,
        registry.device_id,
        registry.anchor_identifier_id,
        registry.registered_at as person_registered_at

    from clustered
    inner join registry
        on clustered.identifier_id = registry.anchor_identifier_id
    qualify
        row_number() over (
            partition by clustered.component_id
            order by
                case
                    when registry.anchor_identifier_type in ('email', 'phone')
                        then 0
                    else 1
                end,
                registry.registered_at,
                registry.anchor_first_seen_at,
                registry.anchor_identifier_type,
                clustered.identifier_sha256
        ) = 1

),

component_users as (

    select
        component_id,
        min(user_id) as user_id

    from clustered
    where user_id is not null
    group by 1

),

final as (

    select
        ---------- ids
        clustered.identifier_id,
        anchors.person_id,
        anchors.device_id,
        component_users.user_id,
        clustered.owner_user_id,
        clustered.node_id,
        clustered.identifier_type,
        clustered.identifier_sha256,
        anchors.anchor_identifier_id,

        ---------- strings
        clustered.hash_version,
        clustered.shared_reason,

        ---------- booleans
        clustered.is_shared,

        ---------- timestamps
        clustered.first_seen_at,
        anchors.person_registered_at,
        {{ monotonic_write_marker('_clustered_at') }} as _clustered_at,
        {{ monotonic_write_marker('_person_changed_at') }}
            as _person_changed_at

    from clustered
    inner join anchors
        on clustered.component_id = anchors.component_id
    left join component_users
        on clustered.component_id = component_users.component_id

)
{# compared: every column but the key and the marks #}
{{ clustered_identifiers_to_write('final', [
    'person_id', 'device_id', 'user_id', 'owner_user_id', 'node_id',
    'identifier_type', 'identifier_sha256', 'anchor_identifier_id',
    'hash_version', 'shared_reason', 'is_shared', 'first_seen_at',
    'person_registered_at',
]) }}
