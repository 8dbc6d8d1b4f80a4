{# Zoom's touches: per webinar and person a registration and an attendance,
   per meeting and person an attendance. A registration comes from an
   attendee report's registrant row or a registration report's, whichever
   files hold it (the same touch_id: counted once); a cancelled or denied
   registration is none. The same row exported twice (a re-upload,
   overlapping reports) counts once; a person's rejoins become one
   attendance: first join, last leave, total minutes. Incremental on DuckDB:
   a run recomputes only the pairs of webinar or meeting and person that
   rows of newly loaded files reach (adding rows never removes a touch, so
   the new rows replace the old by touch_id). #}
{{ config(**incremental_chain_config(
    ['stg_zoom__webinar_attendees'], unique_key='touch_id'
)) }}
{% set scope = incremental_scope() %}
with

person_rows as (

    select
        *,
        coalesce(email_sha256, phone_sha256) as attendee_key,
        case
            when participant_role = 'participant' then 'meeting'
            else 'webinar'
        end as occasion_kind,
        case
            when participant_role = 'participant' then meeting_key
            else webinar_id
        end as occasion_key

    from {{ ref('stg_zoom__webinar_attendees') }}
    where
        participant_role in (
            'attendee', 'other_attendee', 'registrant', 'participant'
        )
        and row_rejection_reason is null
        and coalesce(email_sha256, phone_sha256) is not null

),
{%- if scope.mode == 'append' %}

changed_pairs as (

    select distinct
        case
            when participant_role = 'participant' then meeting_key
            else webinar_id
        end as occasion_key,
        coalesce(email_sha256, phone_sha256) as attendee_key

    from {{ ref('stg_zoom__webinar_attendees') }}
    where {{ loaded_since_scope(scope) }}

),
{%- endif %}

distinct_rows as (

    select *
    from person_rows
    {%- if scope.mode == 'append' %}
    where exists (
        select 1
        from changed_pairs
        where changed_pairs.occasion_key = person_rows.occasion_key
            and changed_pairs.attendee_key = person_rows.attendee_key
    )
    {%- endif %}
    qualify
        row_number() over (
            partition by
                occasion_kind, occasion_key, attendee_key,
                joined_at, left_at, registered_at
            order by source_file, source_row_number
        ) = 1

),

per_attendee as (

    select
        occasion_kind,
        occasion_key,
        attendee_key,
        max(webinar_id) as webinar_id,
        max(webinar_topic) as webinar_topic,
        max(meeting_id) as meeting_id,
        max(meeting_topic) as meeting_topic,
        min(meeting_started_at) as meeting_started_at,
        min(meeting_first_joined_at) as meeting_first_joined_at,
        max(email_sha256) as email_sha256,
        max(phone_sha256) as phone_sha256,
        max(name_sha256) as name_sha256,
        bool_or(is_role_email) as is_role_email,
        max(registration_source) as registration_source,
        max(registration_answers) as registration_answers,
        max(country_region_name) as country_region_name,
        max(recording_consent) as recording_consent,
        coalesce(
            max(case when is_registration then approval_status end),
            max(approval_status)
        ) as approval_status,
        bool_or(is_registration) as has_registration,
        bool_or(has_attended) as has_attended,
        min(webinar_started_at) as webinar_started_at,
        min(case when is_registration then registered_at end)
            as registered_at,
        min(case when has_attended then joined_at end) as first_joined_at,
        max(case when has_attended then left_at end) as last_left_at,
        sum(
            case when has_attended then minutes_in_session end
        ) as minutes_attended,
        count(case when has_attended then 1 end) as session_count,
        min(source_file) as source_file,
        min(source_row_number) as source_row_number,
        max(_loaded_at) as _loaded_at

    from distinct_rows
    group by 1, 2, 3

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

    from per_attendee
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

    from per_attendee
    where occasion_kind = 'webinar'
        and has_attended

),

{# A meeting is its Meeting ID and start (the export with meeting data), or
   for the flat export its first join and first joiner (staging's
   meeting_key): content only, never the file. #}
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

    from per_attendee
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
