{# Id stability: every person id ever handed out is either a person now or
   recorded as retired into a person that exists now. Returns the ids that
   vanished without a trace (their anchor identifier no longer exists is the
   only excuse). #}
with

registry as (

    select * from {{ ref('int_person_ids_registry') }}

),

persons as (

    select person_id from {{ ref('dim_persons') }}

),

history as (

    select * from {{ ref('identity_id_history') }}

),

identifiers as (

    select identifier_id from {{ ref('int_identifiers') }}

),

final as (

    select registry.person_id

    from registry
    inner join identifiers
        on registry.anchor_identifier_id = identifiers.identifier_id
    left join persons
        on registry.person_id = persons.person_id
    where persons.person_id is null
        and not exists (
            select 1
            from history
            inner join persons as survivors
                on history.survivor_person_id = survivors.person_id
            where history.retired_person_id = registry.person_id
        )

)

select * from final
