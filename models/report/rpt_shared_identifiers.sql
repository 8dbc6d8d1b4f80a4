{# One row per identifier type and shared rule: the identifiers kept out of
   linking. The rule is read from identity_shared_identifiers' reason
   without its counts (int_identifiers writes those reasons). A view. #}
{{ config(materialized='view') }}
with

shared as (

    select
        identifier_type,
        case
            when shared_reason like 'shared: belongs to %'
                then 'in the records of two or more users'
            when shared_reason like 'shared: role address%'
                then 'role address (info@, sales@ ...)'
            when shared_reason like 'shared: used by % distinct names%'
                then 'more distinct names than the limit'
            when shared_reason like 'shared: used with % distinct emails%'
                then 'more distinct emails than the limit'
            else shared_reason
        end as shared_rule

    from {{ ref('identity_shared_identifiers') }}

),

final as (

    select
        ---------- strings
        identifier_type,
        shared_rule,

        ---------- numerics
        count(*) as identifier_count

    from shared
    group by 1, 2

)

select * from final
