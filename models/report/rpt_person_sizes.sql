{# One row per number of identifiers a person holds: how many persons hold
   that many, and how many of those are product users. A view: an aggregate
   of dim_persons. #}
{{ config(materialized='view') }}
with

persons as (

    select
        identifier_count,
        is_user

    from {{ ref('dim_persons') }}

),

final as (

    select
        ---------- numerics
        identifier_count,
        count(*) as person_count,
        count(case when is_user then 1 end) as user_person_count

    from persons
    group by 1

)

select * from final
