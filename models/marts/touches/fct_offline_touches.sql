{# One row per off-platform touch, with its person and, once known, the
   product user it became: the table to answer "did attending raise
   conversion?". A view: int_touches_resolved holds the touches with their
   person, device_id and user_id, and the signup time is a lookup of about
   one row per user. As an incremental table it copied every touch once
   more and took 6 s of each scheduled run at 10M touches (with its
   primary-key test); a query of the view scans int_touches_resolved. #}
{{ config(materialized='view') }}
with

touches as (

    select * from {{ ref('int_touches_resolved') }}

),

signups as (

    {{ user_signups_sql() }}

),

final as (

    select
        ---------- ids
        touches.touch_id,
        touches.person_id,
        touches.device_id,
        touches.user_id,

        ---------- strings
        touches.source_system,
        touches.event_type,
        touches.event_properties,

        ---------- numerics
        case
            when signups.signed_up_at >= touches.occurred_at
                then {{ dbt.datediff(
                    'touches.occurred_at', 'signups.signed_up_at', 'day'
                ) }}
        end as days_to_signup,

        ---------- booleans
        touches.user_id is not null as is_person_converted,
        coalesce(
            signups.signed_up_at >= touches.occurred_at, false
        ) as is_converted_after_touch,

        ---------- timestamps
        touches.occurred_at,
        signups.signed_up_at,

        ---------- provenance
        touches.source_file,
        touches.source_row_number,
        touches._loaded_at

    from touches
    left join signups
        on touches.user_id = signups.user_id

)

select * from final
