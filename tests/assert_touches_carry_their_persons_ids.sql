{# Every touch is in a person of dim_persons and carries that person's
   device_id and user_id: the ids the events export sends together, so a
   touch with another person's user_id would link its device to that user
   in Amplitude. (It replaces a relationships test on person_id, at the
   same cost: one join of the touches to the persons.) Returns the
   offending touches. #}
with

touches as (

    select * from {{ ref('fct_offline_touches') }}

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
