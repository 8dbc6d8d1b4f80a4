{# The persons an erasure split, in identity_id_history's columns (which
   appends them): an identifier that was in person X before the erasure
   (privacy_persons_before_erasure) and is in another person Y now gives
   one row X -> Y. Unlike a merge, X may live on, holding the other side;
   when X's anchor was the erased identifier, X is gone and each part has a
   row. The older id never moves to the split-off side: ids come from
   anchors, which stay where they are. #}
with

{# this run's erasures only: an identifier that moves in a later run moves
   for another reason (a merge), which identity_id_history records itself #}
before_erasure as (

    select * from {{ ref('privacy_persons_before_erasure') }}
    where
        recorded_at
        = cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        )

),

registry as (

    select * from {{ ref('int_person_ids_registry') }}

),

clustered as (

    select * from {{ ref('int_identifiers_clustered') }}

),

moved as (

    select distinct
        before_erasure.person_id as retired_person_id,
        before_erasure.device_id as retired_device_id,
        clustered.person_id as survivor_person_id,
        clustered.device_id as survivor_device_id,
        clustered.anchor_identifier_id as survivor_anchor_identifier_id,
        clustered.person_registered_at as survivor_registered_at

    from before_erasure
    inner join clustered
        on before_erasure.identifier_id = clustered.identifier_id
    where clustered.person_id <> before_erasure.person_id

),

final as (

    select
        moved.retired_person_id,
        moved.retired_device_id,
        moved.survivor_person_id,
        moved.survivor_device_id,
        registry.anchor_identifier_id as retired_anchor_identifier_id,
        moved.survivor_anchor_identifier_id,
        'split: an erasure removed the identifier that joined it to the other person, which keeps its ids' -- noqa: LT05
            as reason,
        registry.registered_at as retired_registered_at,
        moved.survivor_registered_at

    from moved
    left join registry
        on moved.retired_person_id = registry.person_id

)

select * from final
