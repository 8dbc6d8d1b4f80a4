{# What Amplitude must delete: every user_id and device_id of an export row
   removed for an erasure (privacy_erased_export_rows), once per request
   that removed it, in the terms of Amplitude's User Privacy API (POST
   /api/2/deletions/users): a user_id goes into `user_ids` as it is; a
   device_id has no field there, so it must first be looked up as the
   `amplitude_id` of that device (User Profile or User Search API).
   is_already_listed: an earlier request (or run) listed the same id. #}
with

erased_rows as (

    select * from {{ ref('privacy_erased_export_rows') }}

),

ids as (

    select
        'user_id' as id_type,
        user_id as exported_id,
        request_id,
        erased_at

    from erased_rows
    where user_id is not null

    union all

    select
        'device_id' as id_type,
        device_id as exported_id,
        request_id,
        erased_at

    from erased_rows
    where device_id is not null

),

per_request as (

    select
        id_type,
        exported_id,
        request_id,
        min(erased_at) as listed_at

    from ids
    group by 1, 2, 3

),

{# the first listing of an id: its earliest run, then its smallest request #}
ranked as (

    select
        *,
        min(listed_at) over (
            partition by id_type, exported_id
        ) as first_listed_at,
        min(request_id) over (
            partition by id_type, exported_id, listed_at
        ) as first_request_id

    from per_request

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "id_type || '|' || exported_id || '|' || request_id"
        ) }} as deletion_id,
        request_id,
        exported_id,

        ---------- strings
        id_type,
        case
            when id_type = 'user_id' then 'user_ids'
            else 'amplitude_ids (look up the device first)'
        end as privacy_api_field,

        ---------- booleans
        coalesce(
            listed_at > first_listed_at
            or (listed_at = first_listed_at and request_id > first_request_id),
            false
        ) as is_already_listed,

        ---------- timestamps
        listed_at

    from ranked

)

select * from final
