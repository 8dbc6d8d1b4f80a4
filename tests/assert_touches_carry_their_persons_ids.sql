{# Every resolved touch (what fct_offline_touches shows and the events
   export sends) is in a person of dim_persons and carries that person's
   device_id and user_id: a touch with another person's user_id would link
   its device to that user in Amplitude. Returns the offending touches. #}
with

touches as (

    select * from {{ ref('int_touches_resolved') }}

),

persons as (

    select
        person_id,
        device_id,
        user_id
    from {{ ref('dim_persons') }}

),

final as (

    select
        touches.touch_id,
        case
            when persons.person_id is null then 'person not in dim_persons'
            when coalesce(touches.device_id, '')
                <> coalesce(persons.device_id, '')
                then 'device_id differs from its person'
            else 'user_id differs from its person'
        end as problem

    from touches
    left join persons
        on touches.person_id = persons.person_id
    where persons.person_id is null
        or touches.device_id is distinct from persons.device_id
        or touches.user_id is distinct from persons.user_id

)

select * from final
