{# One row per off-platform touch, with its person and, once known, the
   product user it became: the table to answer "did attending raise
   conversion?". #}
with

touches as (

    select * from {{ ref('int_touches_resolved') }}

),

persons as (

    select
        person_id,
        signed_up_at
    from {{ ref('dim_persons') }}

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
            when persons.signed_up_at >= touches.occurred_at
                then {{ dbt.datediff(
                    'touches.occurred_at', 'persons.signed_up_at', 'day'
                ) }}
        end as days_to_signup,

        ---------- booleans
        touches.user_id is not null as is_person_converted,
        coalesce(
            persons.signed_up_at >= touches.occurred_at, false
        ) as is_converted_after_touch,

        ---------- timestamps
        touches.occurred_at,
        persons.signed_up_at,

        ---------- provenance
        touches.source_file,
        touches.source_row_number,
        touches._loaded_at

    from touches
    left join persons
        on touches.person_id = persons.person_id

)

select * from final
