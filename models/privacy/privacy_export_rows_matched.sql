{{ config(materialized='ephemeral') }}
{# Every exported row that belongs to an erased identifier: the events of a
   touch that held it (its insert_id is the touch_id), and every events or
   identifies row whose device_id is its hash (the person was anchored on
   it) or whose user_id it is: the rows privacy_erased_export_rows records.
   Read by name, before this run rebuilds them: the touches as the last run
   left them (int_touches_unioned, the only place a touch's hashes and its
   touch_id meet) and the gate's ledger. Ephemeral: it is part of that
   model's statement, before its post-hook deletes the rows. #}
{%- set touches = last_build_relation('int_touches_unioned') %}
with

tombstones as (

    select * from {{ ref('privacy_erasure_tombstones') }}

),

erased_touches as (

    {% if touches is not none %}
    select
        touches.touch_id,
        min(tombstones.request_id) as request_id

    from {{ touches }} as touches
    inner join tombstones
        on tombstones.identifier_id in (
            'email:' || touches.email_sha256,
            'phone:' || touches.phone_sha256
        )
    group by 1
    {% else %}
    select
        cast(null as varchar) as touch_id,
        cast(null as varchar) as request_id
    where false
    {% endif %}

),

{# What was exported is what the gate's ledger passed (the export relations
   append its passed rows; `make push` sends rows of those relations), so
   matching the ledger covers them all, and a row deleted here is never
   appended, pushed or counted as exported again. #}
{%- set ledger = last_build_relation('int_amplitude__gated') %}
exported as (

    {% if ledger is not none %}
    select
        export_kind,
        insert_id,
        device_id,
        user_id,
        update_time_column

    from {{ ledger }}
    where hold_reason is null
        and {{ 'true' if erasure_has_tombstones() else 'false' }}
    {% else %}
    select
        cast(null as varchar) as export_kind,
        cast(null as varchar) as insert_id, -- noqa: RF04
        cast(null as varchar) as device_id,
        cast(null as varchar) as user_id,
        cast(null as timestamp) as update_time_column
    where false
    {% endif %}

),

{# each distinct user_id hashed once, not each row #}
erased_user_ids as (

    select
        user_ids.user_id,
        tombstones.request_id

    from (
        select distinct user_id from exported
        where user_id is not null
    ) as user_ids
    inner join tombstones
        on tombstones.identifier_type = 'user_id'
        and {{ hash_identifier('user_ids.user_id') }}
        = tombstones.identifier_sha256

),

final as (

    select
        exported.export_kind,
        exported.insert_id,
        exported.device_id,
        exported.user_id,
        exported.update_time_column,
        coalesce(
            erased_touches.request_id,
            by_device.request_id,
            by_user.request_id
        ) as request_id

    from exported
    left join erased_touches
        on exported.export_kind = 'events'
        and exported.insert_id = erased_touches.touch_id
    left join tombstones as by_device
        on by_device.identifier_type in ('email', 'phone')
        and exported.device_id = by_device.identifier_sha256
    left join erased_user_ids as by_user
        on exported.user_id = by_user.user_id
    where erased_touches.touch_id is not null
        or by_device.identifier_id is not null
        or by_user.user_id is not null

)

select * from final
