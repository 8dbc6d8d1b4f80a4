{# A view: a projection of int_identifiers_clustered, which holds the same
   rows. As a table it copied about 3M rows on every run at 10M touches (6 s
   of an incremental build); queries read the clustered table either way.
   hash_version comes from that table, not from hash_version(): a view is
   evaluated by whoever queries it, whose session holds no hash scheme. #}
{{ config(materialized='view') }}
with

clustered as (

    select * from {{ ref('int_identifiers_clustered') }}

),

final as (

    select
        ---------- ids
        identifier_id,
        person_id,
        device_id,
        user_id,

        ---------- identifiers (hashes only)
        identifier_type,
        identifier_sha256,

        ---------- strings
        hash_version,
        shared_reason,

        ---------- booleans
        is_shared,
        identifier_id = anchor_identifier_id as is_person_anchor,

        ---------- timestamps
        first_seen_at

    from clustered

)

select * from final
