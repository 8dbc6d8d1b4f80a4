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
        {{ hash_version() }} as hash_version,
        shared_reason,

        ---------- booleans
        is_shared,
        identifier_id = anchor_identifier_id as is_person_anchor,

        ---------- timestamps
        first_seen_at

    from clustered

)

select * from final
