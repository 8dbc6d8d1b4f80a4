{# Every person row of every Zoom file, judged on its own
   (stg_zoom__judged_report_rows), then here on its file's other rows and
   its identifiers: a registration, an attendance, staff, or rejected with a
   reason. Incremental on DuckDB: a run stages newly loaded files' rows. #}
{{ config(**incremental_chain_config(['base_zoom__attendee_report_rows'])) }}
{% set scope = incremental_scope() %}
with

report_rows as (

    select * from {{ ref('stg_zoom__judged_report_rows') }}
    where {{ loaded_since_scope(scope) }}

),

flat_meetings as (

    select * from {{ ref('stg_zoom__flat_meetings') }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

{# a waiting-room row rejects only a person the file never shows admitted #}
staged as (

    select
        *,
        case
            when is_in_waiting_room
                and not bool_or(not is_in_waiting_room) over (
                    partition by
                        source_file,
                        coalesce(
                            nullif(lower(trim(email)), ''),
                            nullif(lower(trim(user_name)), '')
                        )
                )
                then 'in the waiting room only, never admitted: not an attendance' -- noqa: LT05
        end as admission_rejection_reason

    from report_rows

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "staged.source_file || ':' || cast(staged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as webinar_attendee_row_id,
        nullif(staged.webinar_id_digits, '') as webinar_id,
        nullif(staged.meeting_id_digits, '') as meeting_id,
        case staged.report_kind
            when 'meeting_participants'
                then
                    'meeting|' || staged.meeting_id_digits || '|'
                    || {{ format_iso_timestamp(
                        'staged.meeting_started_at_utc'
                    ) }}
            when 'meeting_participants_flat' then flat_meetings.meeting_key
        end as meeting_key,

        ---------- identifiers (pii: never leaves staging)
        emails.email_normalized,
        emails.email_sha256,
        emails.is_role_address as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,
        staged.name_normalized,
        {{ hash_identifier('staged.name_normalized') }} as name_sha256,

        ---------- strings
        staged.report_kind,
        staged.participant_role,
        staged.webinar_topic,
        staged.meeting_topic,
        nullif(trim(staged.approval_status), '') as approval_status,
        nullif(nullif(trim(staged.country_region_name), ''), '--')
            as country_region_name,
        staged.region_hint,
        nullif(trim(staged.source_name), '') as registration_source,
        nullif(trim(staged.recording_consent), '') as recording_consent,
        staged.extra_columns as registration_answers,
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        coalesce(
            staged.reading_rejection_reason,
            staged.admission_rejection_reason,
            staged.counting_rejection_reason,
            case
                when staged.participant_role not in ('host', 'panelist')
                    and emails.email_sha256 is null
                    and phones.phone_sha256 is null
                    then 'no usable identifier: email and phone missing or rejected' -- noqa: LT05
            end
        ) as row_rejection_reason,
        {{ json_object_as_text('staged.value_errors') }}
            as value_rejection_reason,

        ---------- numerics
        staged.minutes_in_session_int as minutes_in_session,

        ---------- booleans
        staged.has_attended,
        staged.is_registration,
        staged.is_in_waiting_room,
        lower(trim(staged.is_guest)) = 'yes' as is_guest,

        ---------- timestamps
        staged.webinar_started_at_utc as webinar_started_at,
        staged.webinar_scheduled_at_utc as webinar_scheduled_at,
        staged.meeting_started_at_utc as meeting_started_at,
        flat_meetings.first_joined_at as meeting_first_joined_at,
        staged.registered_at,
        staged.joined_at,
        staged.left_at,

        ---------- provenance
        'zoom' as source_system,
        staged.source_file,
        staged.source_row_number,
        staged.source_file_sha256,
        staged.source_file_modified_at,
        staged._loaded_at

    from staged
    left join flat_meetings
        on staged.source_file = flat_meetings.source_file
    left join emails
        on staged.email = emails.email_raw
    left join phones
        on staged.phone = phones.phone_raw
        and staged.region_hint = phones.region_hint

)

select * from final
