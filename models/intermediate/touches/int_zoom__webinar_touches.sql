{# Zoom's touches: per webinar and person a registration and an attendance,
   per meeting and person an attendance, from each person's collapsed rows
   (int_zoom__occasion_attendees). Incremental on DuckDB: a run recomputes
   the touches of the pairs that rows of newly loaded files reach, and they
   replace the old by touch_id (adding rows never removes a touch). #}
{{ config(**incremental_chain_config(
    ['int_zoom__occasion_attendees'], unique_key='touch_id'
)) }}
{% set scope = incremental_scope() %}
with

{# a pair's _loaded_at is its newest row's: loaded since the last build
   when rows of newly loaded files reach it #}
occasion_attendees as (

    select * from {{ ref('int_zoom__occasion_attendees') }}
    where {{ loaded_since_scope(scope) }}

),

registrations as (

    select
        {{ hash_identifier(
            "'zoom|registered|' || occasion_key || '|' || attendee_key"
        ) }} as touch_id,
        'zoom' as source_system,
        '{{ var("identity__event_type_webinar_registered") }}' as event_type,
        coalesce(registered_at, first_joined_at) as occurred_at,
        email_sha256,
        phone_sha256,
        name_sha256,
        is_role_email,
        {{ json_object_without_nulls([
            ('source_system', "'zoom'"),
            ('webinar_id', 'webinar_id'),
            ('webinar_topic', 'webinar_topic'),
            ('registration_source', 'registration_source'),
            ('approval_status', 'approval_status'),
            ('country', 'country_region_name'),
            ('registration_answers', as_json('registration_answers')),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from occasion_attendees
    where occasion_kind = 'webinar'
        and has_registration
        and coalesce(registered_at, first_joined_at) is not null

),

attendances as (

    select
        {{ hash_identifier(
            "'zoom|attended|' || occasion_key || '|' || attendee_key"
        ) }} as touch_id,
        'zoom' as source_system,
        '{{ var("identity__event_type_webinar_attended") }}' as event_type,
        first_joined_at as occurred_at,
        email_sha256,
        phone_sha256,
        name_sha256,
        is_role_email,
        {{ json_object_without_nulls([
            ('source_system', "'zoom'"),
            ('webinar_id', 'webinar_id'),
            ('webinar_topic', 'webinar_topic'),
            ('minutes_attended', 'minutes_attended'),
            ('session_count', 'session_count'),
            ('first_joined_at', format_iso_timestamp('first_joined_at')),
            ('last_left_at', format_iso_timestamp('last_left_at')),
            ('approval_status', 'approval_status'),
            ('country', 'country_region_name'),
            ('registration_answers', as_json('registration_answers')),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from occasion_attendees
    where occasion_kind = 'webinar'
        and has_attended

),

meeting_attendances as (

    select
        {{ hash_identifier(
            "'zoom|meeting_attended|' || occasion_key || '|' || attendee_key"
        ) }} as touch_id,
        'zoom' as source_system,
        '{{ var("identity__event_type_meeting_attended") }}' as event_type,
        first_joined_at as occurred_at,
        email_sha256,
        phone_sha256,
        name_sha256,
        is_role_email,
        {{ json_object_without_nulls([
            ('source_system', "'zoom'"),
            ('meeting_id', 'meeting_id'),
            ('meeting_topic', 'meeting_topic'),
            ('meeting_started_at', format_iso_timestamp('meeting_started_at')),
            (
                'meeting_first_joined_at',
                format_iso_timestamp('meeting_first_joined_at')
            ),
            ('minutes_attended', 'minutes_attended'),
            ('session_count', 'session_count'),
            ('first_joined_at', format_iso_timestamp('first_joined_at')),
            ('last_left_at', format_iso_timestamp('last_left_at')),
            ('recording_consent', 'recording_consent'),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from occasion_attendees
    where occasion_kind = 'meeting'
        and has_attended
        and first_joined_at is not null

),

unioned as (

    select * from registrations
    union all
    select * from attendances
    union all
    select * from meeting_attendances

),

final as (

    {# the touch contract: rows here are usable (staging rejected the others) #}
    select
        *,
        cast(null as {{ dbt.type_string() }}) as row_rejection_reason

    from unioned

)

select * from final
