{# Registrations and attendances, one row per webinar and attendee.
   The same row exported twice (a re-upload, overlapping reports) counts
   once; a person's rejoins become one attendance: first join, last leave,
   total minutes. Incremental on DuckDB: a run recomputes only the pairs of
   webinar and attendee that rows of newly loaded files reach (adding rows
   never removes a touch, so the new rows replace the old by touch_id). #}
{{ config(**incremental_chain_config(
    ['stg_zoom__webinar_attendees'], unique_key='touch_id'
)) }}
{% set scope = incremental_scope() %}
with

attendee_rows as (

    select
        *,
        coalesce(email_sha256, phone_sha256) as attendee_key

    from {{ ref('stg_zoom__webinar_attendees') }}
    where participant_role = 'attendee'
        and row_rejection_reason is null
        and coalesce(email_sha256, phone_sha256) is not null

),
{%- if scope.mode == 'append' %}

changed_pairs as (

    select distinct
        webinar_id,
        coalesce(email_sha256, phone_sha256) as attendee_key

    from {{ ref('stg_zoom__webinar_attendees') }}
    where {{ loaded_since_scope(scope) }}

),
{%- endif %}

distinct_rows as (

    select *
    from attendee_rows
    {%- if scope.mode == 'append' %}
    where exists (
        select 1
        from changed_pairs
        where changed_pairs.webinar_id = attendee_rows.webinar_id
            and changed_pairs.attendee_key = attendee_rows.attendee_key
    )
    {%- endif %}
    qualify
        row_number() over (
            partition by
                webinar_id, attendee_key, joined_at, left_at, registered_at
            order by source_file, source_row_number
        ) = 1

),

per_attendee as (

    select
        webinar_id,
        attendee_key,
        max(webinar_topic) as webinar_topic,
        max(email_sha256) as email_sha256,
        max(phone_sha256) as phone_sha256,
        max(name_sha256) as name_sha256,
        bool_or(is_role_email) as is_role_email,
        max(registration_source) as registration_source,
        max(registration_answers) as registration_answers,
        max(country_region_name) as country_region_name,
        bool_or(has_attended) as has_attended,
        min(webinar_started_at) as webinar_started_at,
        min(registered_at) as registered_at,
        min(joined_at) as first_joined_at,
        max(left_at) as last_left_at,
        sum(
            case when has_attended then minutes_in_session end
        ) as minutes_attended,
        count(case when has_attended then 1 end) as session_count,
        min(source_file) as source_file,
        min(source_row_number) as source_row_number,
        max(_loaded_at) as _loaded_at

    from distinct_rows
    group by 1, 2

),

registrations as (

    select
        {{ hash_identifier(
            "'zoom|registered|' || webinar_id || '|' || attendee_key"
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
            ('country', 'country_region_name'),
            ('registration_answers', as_json('registration_answers')),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from per_attendee
    where coalesce(registered_at, first_joined_at) is not null

),

attendances as (

    select
        {{ hash_identifier(
            "'zoom|attended|' || webinar_id || '|' || attendee_key"
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
            ('country', 'country_region_name'),
            ('registration_answers', as_json('registration_answers')),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from per_attendee
    where has_attended

),

unioned as (

    select * from registrations
    union all
    select * from attendances

),

final as (

    {# the touch contract: rows here are usable (staging rejected the others) #}
    select
        *,
        cast(null as {{ dbt.type_string() }}) as row_rejection_reason

    from unioned

)

select * from final
