{# Graph invariant: every identifier of the evidence is in a person, and the
   resolved graph holds no identifier the evidence lacks. "Exactly one" is
   the unique test on dim_person_identifiers.identifier_id, so a presence
   check both ways is enough here. Returns the offending identifiers. #}
with

identifiers as (

    select identifier_id from {{ ref('int_identifiers') }}

),

person_identifiers as (

    select identifier_id from {{ ref('dim_person_identifiers') }}

),

final as (

    select
        coalesce(
            identifiers.identifier_id, person_identifiers.identifier_id
        ) as identifier_id,
        case
            when person_identifiers.identifier_id is null
                then 'in no person'
            else 'not in the evidence'
        end as problem

    from identifiers
    full outer join person_identifiers
        on identifiers.identifier_id = person_identifiers.identifier_id
    where identifiers.identifier_id is null
        or person_identifiers.identifier_id is null

)

select * from final
