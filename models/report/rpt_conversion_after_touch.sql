{# One row per first-touch source and event type: the leads whose first
   off-platform touch it was, and how many signed up at or after that
   touch (a user who signed up before it is linked, not converted by it).
   A view: an aggregate of dim_persons. #}
{{ config(materialized='view') }}
with

leads as (

    select
        first_touch_source,
        first_touch_event_type,
        coalesce(signed_up_at >= first_touch_at, false)
            as is_converted_after_touch

    from {{ ref('dim_persons') }}
    where touch_count > 0

),

final as (

    select
        ---------- strings
        first_touch_source,
        first_touch_event_type,

        ---------- numerics
        count(*) as lead_count,
        count(case when is_converted_after_touch then 1 end)
            as converted_lead_count

    from leads
    group by 1, 2

)

select * from final
