{# Graph invariant: at most one product user per person, counted from the
   identifiers each user owns (not from the person's user_id column, which
   names only one). Returns the persons holding two or more. #}
with

identifiers as (

    select
        identifier_id,
        owner_user_id
    from {{ ref('int_identifiers') }}

),

clustered as (

    select
        identifier_id,
        person_id
    from {{ ref('int_identifiers_clustered') }}

),

final as (

    select
        clustered.person_id,
        count(distinct identifiers.owner_user_id) as user_count

    from clustered
    inner join identifiers
        on clustered.identifier_id = identifiers.identifier_id
    where identifiers.owner_user_id is not null
    group by 1
    having count(distinct identifiers.owner_user_id) > 1

)

select * from final
