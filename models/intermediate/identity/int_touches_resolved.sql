{# One row per touch with the person it belongs to. A touch whose
   identifiers ended in different persons (a refused or shared link) goes to
   the person of its email, else of its phone: the more personal evidence.
   Its device_id and user_id are that same person's (touch_person_column).
   The identifier hashes stay in int_touches_unioned: no reader needs them
   here, and the three hash columns were 40% of its write time.
   Incremental on DuckDB: a run writes only the touches that are new or
   changed since the last build and those whose person, device_id or
   user_id changed (touches_to_resolve_scope), and reads only their
   identifiers (touch_identifiers_scope). _resolved_at marks the rows each
   run writes: the export gate reads only the rows written since it last
   ran. #}
{{ config(**incremental_chain_config(
    ['int_touches_unioned'],
    unique_key='touch_id',
    unique_guard={'columns': ['touch_id'], 'written': '_resolved_at'},
    read_marks={
        'person_mark': ['int_identifiers_clustered', '_person_changed_at'],
    },
)) }}
{% set scope = incremental_scope() %}
with

touches as (

    select *
    from {{ ref('int_touches_unioned') }}
    where {{ touches_to_resolve_scope(scope) }}

),

clustered as (

    select
        identifier_id,
        person_id,
        device_id,
        user_id

    from {{ ref('int_identifiers_clustered') }}
    where {{ touch_identifiers_scope(scope, 'touches') }}

),

final as (

    select
        ---------- ids
        touches.touch_id,
        {{ touch_person_column('person_id') }} as person_id,
        {{ touch_person_column('device_id') }} as device_id,
        {{ touch_person_column('user_id') }} as user_id,

        ---------- strings
        touches.source_system,
        touches.event_type,
        touches.event_properties,

        ---------- timestamps
        touches.occurred_at,

        ---------- provenance
        touches.source_file,
        touches.source_row_number,
        touches._loaded_at,
        {{ monotonic_write_marker('_resolved_at') }} as _resolved_at

    from touches
    left join clustered as by_email
        on by_email.identifier_id = 'email:' || touches.email_sha256
    left join clustered as by_phone
        on by_phone.identifier_id = 'phone:' || touches.phone_sha256

)

select * from final
