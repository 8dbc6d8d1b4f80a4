{# One row per refusal rule: the links the guard refused because they would
   have put two product users in one person (identity_conflicts), and the
   records they came from. The rule is the reason without its user ids. A
   view. #}
{{ config(materialized='view') }}
with

refused as (

    select
        record_id,
        case
            when reason like 'refused: the record links identifiers of two%'
                then 'a record links the identifiers of two users'
            when reason like 'refused: through anonymous identifiers%'
                then 'anonymous identifiers reach two or more users'
            else reason
        end as refusal_rule

    from {{ ref('identity_conflicts') }}

),

final as (

    select
        ---------- strings
        refusal_rule,

        ---------- numerics
        count(*) as refused_link_count,
        count(distinct record_id) as record_count

    from refused
    group by 1

)

select * from final
