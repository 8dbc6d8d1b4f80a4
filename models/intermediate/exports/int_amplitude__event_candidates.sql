{# One row per touch that can become an Amplitude event: it has a person with
   a device_id. The insert_id is the touch's content hash, so a re-uploaded
   export or a --full-refresh gives the same id. A view: the gate reads it
   once per run, and a table cost a write of every touch for that one read.
   _resolved_at tells the gate which rows were written since it last ran. #}
{{ config(materialized='view') }}
with

touches as (

    select * from {{ ref('int_touches_resolved') }}

),

final as (

    select
        {# insert_id and time are Amplitude's field names (the export
           contract), though SQL keywords. #}
        touch_id as insert_id, -- noqa: RF04
        event_type,
        user_id,
        device_id,
        {{ to_epoch_ms('occurred_at') }} as time, -- noqa: RF04
        event_properties,
        cast(null as {{ json_type() }}) as user_properties,
        person_id,
        _resolved_at

    from touches
    where device_id is not null

)

select * from final
