with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

final as (

    select
        ---------- ids
        identifier_id,

        ---------- identifiers (hashes only)
        identifier_type,
        identifier_sha256,

        ---------- strings
        shared_reason,

        ---------- numerics
        record_count,
        distinct_name_count,
        distinct_user_count,
        distinct_email_count,

        ---------- timestamps
        first_seen_at

    from identifiers
    where is_shared

)

select * from final
