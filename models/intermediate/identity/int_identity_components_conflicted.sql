{# One row per unguarded component that holds more than one product user. #}
with

components as (

    select * from {{ ref('int_identity_components_unguarded') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

final as (

    select
        components.component_id,
        count(distinct identifiers.user_id) as user_count,
        {{ string_agg_distinct('identifiers.user_id', "', '") }} as user_ids

    from components
    inner join identifiers
        on components.node_id = identifiers.node_id
    where identifiers.user_id is not null
    group by 1
    having count(distinct identifiers.user_id) > 1

)

select * from final
