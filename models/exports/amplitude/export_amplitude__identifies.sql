{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only: a link is exported once, the run it becomes known, and no
   run rewrites it (Amplitude's change-tracking imports break on rebuilt
   tables, and its merges cannot be undone). The rows that pass the gate
   (int_amplitude__gated). #}
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
    where export_kind = 'identifies'
        and hold_reason is null

)

select * from final
