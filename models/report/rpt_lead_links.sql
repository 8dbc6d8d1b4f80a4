{# One row per first-touch source and month: the leads (persons with an
   off-platform touch) and how many of them are linked to a product user.
   The report sums these rows for the overall and per-source figures. A
   view: an aggregate of dim_persons, computed when it is read. #}
{{ config(materialized='view') }}
with

leads as (

    select
        first_touch_source,
        {{ dbt.date_trunc('month', 'first_touch_at') }} as first_touch_month,
        is_user

    from {{ ref('dim_persons') }}
    where touch_count > 0

),

counted as (

    select
        first_touch_source,
        first_touch_month,
        count(*) as lead_count,
        count(case when is_user then 1 end) as linked_lead_count

    from leads
    group by 1, 2

),

final as (

    select
        ---------- strings
        first_touch_source,

        ---------- numerics
        lead_count,
        linked_lead_count,

        ---------- timestamps
        first_touch_month

    from counted

)

select * from final
