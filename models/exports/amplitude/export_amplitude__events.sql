{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only, like the identifies: each touch is exported once. An event
   exported after its person became a user carries the user_id too. #}
with

candidates as (

    select * from {{ ref('int_amplitude__event_candidates') }}
    {% if is_incremental() %}
    where insert_id not in (select insert_id from {{ this }})
    {% endif %}

),

exported_links as (

    select device_id, user_id from {{ ref('export_amplitude__identifies') }}
    {% if is_incremental() %}
    union all
    select device_id, user_id from {{ this }}
    {% endif %}

),

checked as (

    select
        candidates.*,
        coalesce(
            {{ amplitude_row_problem('candidates') }},
            {{ amplitude_link_conflict('candidates', 'exported_links') }}
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
