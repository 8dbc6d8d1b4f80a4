{# Id stability: when persons merge, the older id survives. Every merge row
   of identity_id_history names a survivor registered no later than the
   retired id (registered in the same run: first seen no later). A
   "reanchored" row is the exception by design: a user_id-only person that
   gains an email or phone takes the id of that identifier. #}
with

history as (

    select * from {{ ref('identity_id_history') }}
    where reason like 'merged:%'

),

registry as (

    select * from {{ ref('int_person_ids_registry') }}

),

final as (

    select history.id_history_id

    from history
    inner join registry as retired
        on history.retired_person_id = retired.person_id
    inner join registry as survivor
        on history.survivor_person_id = survivor.person_id
    where survivor.registered_at > retired.registered_at
        or (
            survivor.registered_at = retired.registered_at
            and survivor.anchor_first_seen_at > retired.anchor_first_seen_at
        )

)

select * from final
