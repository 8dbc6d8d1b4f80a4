{# One row per touch with the person it belongs to. A touch whose
   identifiers ended in different persons (a refused or shared link) goes to
   the person of its email, else of its phone: the more personal evidence.
   Its device_id and user_id are that same person's (touch_person_column).
   The identifier hashes stay in int_touches_unioned: no reader needs them
   here, and the three hash columns were 40% of its write time.
   Incremental on DuckDB: a run writes only the touches that are new or
   changed since the last build and those whose person, device_id or
   user_id changed (a new file can merge persons, a signup adds a user).
   It finds them from the identifiers whose person, device_id or user_id
   int_identifiers_clustered changed since the last build
   (_person_changed_at), or, without that mark, by comparing every touch.
   _resolved_at marks the rows each run writes: the export gate reads only
   the rows written since it last ran. #}
{{ config(**incremental_chain_config(
    touch_staging_models(),
    unique_key='touch_id',
    unique_guard={'columns': ['touch_id'], 'written': '_resolved_at'},
    read_marks={
        'person_mark': ['int_identifiers_clustered', '_person_changed_at'],
    },
)) }}
{% set scope = incremental_scope() %}
{% set person_mark = incremental_read_mark(scope, 'person_mark') %}
with
{% if scope.mode == 'append' and person_mark is not none %}

{#- A touch's person, device_id and user_id are those of its email's or
    phone's identifier, so an append writes the touches loaded since the
    last build and those holding an identifier whose person, device_id or
    user_id changed since (a merge, a split, a signup). -#}
reassigned as (

    select
        identifier_type,
        identifier_sha256

    from {{ ref('int_identifiers_clustered') }}
    where _person_changed_at > {{ person_mark }}

),

{# rowids (DuckDB): the wide rows are then fetched for these rows only,
   not decoded for every touch and dropped by a join (2.2 s against 3.4 s
   at 10M touches) #}
touches_to_write as (

    select rowid as touch_row
    from {{ ref('int_touches_unioned') }}
    where {{ loaded_since_scope(scope) }}
        or email_sha256 in (
            select identifier_sha256
            from reassigned
            where identifier_type = 'email'
        )
        or phone_sha256 in (
            select identifier_sha256
            from reassigned
            where identifier_type = 'phone'
        )

),
{% elif scope.mode == 'append' %}

{#- An append first finds, on narrow columns, the touches to write: new or
    changed since the last build, or resolved differently now; only those
    are then read whole. -#}
links_now as (

    select
        touches.touch_id,
        touches._loaded_at,
        {{ touch_person_column('person_id') }} as person_id,
        {{ touch_person_column('device_id') }} as device_id,
        {{ touch_person_column('user_id') }} as user_id

    from {{ ref('int_touches_unioned') }} as touches
    left join {{ ref('int_identifiers_clustered') }} as by_email
        on by_email.identifier_id = 'email:' || touches.email_sha256
    left join {{ ref('int_identifiers_clustered') }} as by_phone
        on by_phone.identifier_id = 'phone:' || touches.phone_sha256

),

touches_to_write as (

    {{ touches_to_rewrite(
        'links_now', scope, ['person_id', 'device_id', 'user_id']
    ) }}

),
{%- endif %}

touches as (

    select *
    from {{ ref('int_touches_unioned') }}
    {%- if scope.mode == 'append' and person_mark is not none %}
    where rowid in (select touch_row from touches_to_write)
    {%- elif scope.mode == 'append' %}
    where touch_id in (select touch_id from touches_to_write)
    {%- endif %}

),

{# An append reads only its touches' identifiers: the joins then build on
   those, not on every identifier (at 10M touches the two joins took 1.8 s
   of the 2.7 s query). #}
clustered as (

    select
        identifier_id,
        person_id,
        device_id,
        user_id

    from {{ ref('int_identifiers_clustered') }}
    {%- if scope.mode == 'append' %}
    where identifier_id in (
        select 'email:' || email_sha256 from touches
        union all
        select 'phone:' || phone_sha256 from touches
    )
    {%- endif %}

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
