{# Graph invariant: every identifier of the evidence is in exactly one
   person, and the resolved graph holds no identifier the evidence lacks.
   Returns the offending identifiers. #}
with

identifiers as (

    select identifier_id from {{ ref('int_identifiers') }}

),

person_identifiers as (

    select
        identifier_id,
        count(*) as person_rows,
        count(distinct person_id) as person_count

    from {{ ref('dim_person_identifiers') }}
    group by 1

),

final as (

    select
        coalesce(
            identifiers.identifier_id, person_identifiers.identifier_id
        ) as identifier_id,
        coalesce(person_identifiers.person_rows, 0) as person_rows,
        coalesce(person_identifiers.person_count, 0) as person_count

    from identifiers
    full outer join person_identifiers
        on identifiers.identifier_id = person_identifiers.identifier_id
    where identifiers.identifier_id is null
        or person_identifiers.identifier_id is null
        or person_identifiers.person_rows <> 1
        or person_identifiers.person_count <> 1

)

select * from final
