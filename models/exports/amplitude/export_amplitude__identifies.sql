{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only: a link is exported once, the run it becomes known, and no
   run rewrites it (Amplitude's change-tracking imports break on rebuilt
   tables, and its merges cannot be undone). #}
with

candidates as (

    select * from {{ ref('int_amplitude__identify_candidates') }}
    {% if is_incremental() %}
    where insert_id not in (select insert_id from {{ this }})
    {% endif %}

),

checked as (

    select
        candidates.*,
        coalesce(
            {{ amplitude_row_problem('candidates') }},
            {{ amplitude_link_conflict('candidates', this if is_incremental() else none) }}
        ) as hold_reason

    from candidates

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

    from checked
    where hold_reason is null

)

select * from final
