{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only, like the identifies: each touch is exported once and never
   rewritten, so an event exported before its person became a user stays
   device-only, and one exported after carries the user_id too. The rows
   that pass the gate (int_amplitude__gated). #}
with

gated as (

    select * from {{ ref('int_amplitude__gated') }}

),

final as (

    select
        insert_id,
        event_type,
        user_id,
        device_id,
        time,
        event_properties,
        user_properties,
        {{ amplitude_update_time() }} as update_time_column

    from gated
    where export_kind = 'events'
        and hold_reason is null

)

select * from final
