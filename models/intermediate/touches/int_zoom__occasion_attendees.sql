{# Each person's rows of a webinar or meeting, collapsed into one row: the
   same row exported twice (a re-upload, overlapping reports) counts once,
   rejoins become one attendance (first join, last leave, total minutes),
   and a registration counts whichever files hold it (an attendee report's
   registrant row, a registration report's). Incremental on DuckDB: a run
   recomputes only the pairs of webinar or meeting and person that rows of
   newly loaded files reach, from all their rows. #}
{{ config(**incremental_chain_config(
    ['stg_zoom__webinar_attendees'],
    unique_key=['occasion_kind', 'occasion_key', 'attendee_key'],
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
        {# a meeting is its Meeting ID and start (the export with meeting
           data), or for the flat export its first join and first joiner
           (staging's meeting_key): content only, never the file #}
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

final as (

    select
        ---------- ids
        occasion_kind,
        occasion_key,
        attendee_key,
        max(webinar_id) as webinar_id,
        max(meeting_id) as meeting_id,

        ---------- identifiers
        max(email_sha256) as email_sha256,
        max(phone_sha256) as phone_sha256,
        max(name_sha256) as name_sha256,

        ---------- strings
        max(webinar_topic) as webinar_topic,
        max(meeting_topic) as meeting_topic,
        max(registration_source) as registration_source,
        max(registration_answers) as registration_answers,
        max(country_region_name) as country_region_name,
        max(recording_consent) as recording_consent,
        coalesce(
            max(case when is_registration then approval_status end),
            max(approval_status)
        ) as approval_status,

        ---------- numerics
        sum(
            case when has_attended then minutes_in_session end
        ) as minutes_attended,
        count(case when has_attended then 1 end) as session_count,

        ---------- booleans
        bool_or(is_role_email) as is_role_email,
        bool_or(is_registration) as has_registration,
        bool_or(has_attended) as has_attended,

        ---------- timestamps
        min(webinar_started_at) as webinar_started_at,
        min(meeting_started_at) as meeting_started_at,
        min(meeting_first_joined_at) as meeting_first_joined_at,
        min(case when is_registration then registered_at end)
            as registered_at,
        min(case when has_attended then joined_at end) as first_joined_at,
        max(case when has_attended then left_at end) as last_left_at,

        ---------- provenance
        min(source_file) as source_file,
        min(source_row_number) as source_row_number,
        max(_loaded_at) as _loaded_at

    from distinct_rows
    group by 1, 2, 3

)

select * from final
