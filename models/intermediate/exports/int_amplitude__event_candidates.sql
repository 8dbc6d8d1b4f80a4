{# One row per touch that can become an Amplitude event: it has a person with
   a device_id. The insert_id is the touch's content hash, so a re-uploaded
   export or a --full-refresh gives the same id. #}
with

touches as (

    select * from {{ ref('int_touches_resolved') }}

),

final as (

    select
        touch_id as insert_id,
        event_type,
        user_id,
        device_id,
        {{ to_epoch_ms('occurred_at') }} as time,
        event_properties,
        cast(null as {{ json_type() }}) as user_properties,
        person_id

    from touches
    where device_id is not null

)

select * from final
