{# Every person row of every Zoom file (attendee reports, registration
   reports, meeting participant exports), typed, with what it counts as:
   a registration (is_registration), an attendance (has_attended), staff, or
   rejected with a reason. Incremental on DuckDB: a run stages only the rows
   of files loaded since the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['base_zoom__attendee_report_rows'])) }}
{% set scope = incremental_scope() %}
{% set date_order = var('identity__zoom_date_order') | upper %}
{% set numeric_date = '%d/%m/%Y' if date_order == 'DMY' else '%m/%d/%Y' %}
{# Every time format Zoom has written since 2020, and Excel's re-saves:
   Mar 22, 2025 7:13 PM / Mar 22, 2025 19:13:27 / 03/22/2025 07:13:27 PM /
   03/22/2025 19:13:27 / 3/22/2025 19:13 / 3/22/2025 7:13 PM (numeric dates
   in the order of var identity__zoom_date_order). #}
{% set zoom_formats = [
    '%b %d, %Y %I:%M %p',
    '%b %d, %Y %H:%M:%S',
    '%b %d, %Y %I:%M:%S %p',
    '%b %d, %Y %H:%M',
    numeric_date ~ ' %I:%M:%S %p',
    numeric_date ~ ' %I:%M %p',
    numeric_date ~ ' %H:%M:%S',
    numeric_date ~ ' %H:%M',
    '%Y-%m-%d %H:%M:%S',
] %}
{% set zoom_timezone = var('identity__zoom_timezone') %}
{% set example_date = '22/03/2025' if date_order == 'DMY' else '03/22/2025' %}
{% set zoom_format_hint = "expected a Zoom report time such as"
    ~ " 'Mar 22, 2025 7:13 PM', 'Mar 22, 2025 19:13:27' or '"
    ~ example_date ~ " 07:13:27 PM' (identity__zoom_date_order: "
    ~ date_order ~ ")" %}
{# (raw column, parsed column, column as the file names it): a value that is
   there (not empty, not Zoom's `--`) but does not parse rejects the row. #}
{% set zoom_times = [
    ('webinar_started_at', 'webinar_started_at_utc', 'Actual Start Time'),
    ('webinar_scheduled_at', 'webinar_scheduled_at_utc', 'Scheduled Time'),
    ('meeting_started_at', 'meeting_started_at_utc', 'Start Time'),
    ('registration_time', 'registered_at', 'Registration Time'),
    ('join_time', 'joined_at', 'Join Time'),
    ('leave_time', 'left_at', 'Leave Time'),
] %}
{% set webinar_kinds = "('attendee_report', 'registration_report')" %}
{% set meeting_kinds =
    "('meeting_participants', 'meeting_participants_flat')" %}

with

report_rows as (

    select *
    from {{ engine_ref('base_zoom__attendee_report_rows') }}
    where {{ loaded_since_scope(scope) }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

typed as (

    select
        report_rows.*,
        coalesce(
            country_regions.region_code,
            '{{ var("identity__default_phone_region") }}'
        ) as region_hint,
        {%- for raw, parsed, label in zoom_times %}
        {{ parse_local_timestamp(
            "nullif(trim(report_rows." ~ raw ~ "), '--')",
            zoom_formats,
            zoom_timezone
        ) }} as {{ parsed }},
        {%- endfor %}
        {{ dbt.safe_cast(
            "nullif(trim(report_rows.minutes_in_session), '--')",
            dbt.type_int()
        ) }} as minutes_in_session_int,
        {{ sql_regex_replace(
            'report_rows.webinar_id', "'[^0-9]'", "''"
        ) }} as webinar_id_digits,
        {{ sql_regex_replace(
            'report_rows.meeting_id', "'[^0-9]'", "''"
        ) }} as meeting_id_digits,
        {{ normalize_name(
            "coalesce(nullif(trim(report_rows.user_name), ''), "
            ~ "concat_ws(' ', report_rows.first_name, report_rows.last_name))"
        ) }} as name_normalized,
        case
            when report_rows.report_kind = 'meeting_participants'
                and lower(trim(report_rows.email))
                = lower(trim(report_rows.meeting_host_email))
                then 'host'
            else report_rows.section
        end as participant_role,
        lower(trim(report_rows.approval_status)) like 'cancel%'
        or lower(trim(report_rows.approval_status)) like 'denied%'
        or lower(trim(report_rows.approval_status)) like 'reject%'
            as is_registration_withdrawn,
        coalesce(lower(trim(report_rows.in_waiting_room)) = 'yes', false)
            as is_in_waiting_room

    from report_rows
    left join country_regions
        on lower(trim(report_rows.country_region_name))
        = lower(country_regions.country_region_name)

),

counted as (

    select
        *,
        case
            when participant_role in ('other_attendee', 'participant')
                then not is_in_waiting_room
            when participant_role = 'host'
                and report_kind = 'meeting_participants'
                then true
            else coalesce(lower(trim(attended)) = 'yes', false)
        end as has_attended,
        {# a registration: a registrant's row, or an attendee row of a
           report with registration (its Registration Time column exists),
           unless cancelled or denied #}
        participant_role in ('attendee', 'registrant')
        and registration_time is not null
        and not coalesce(is_registration_withdrawn, false)
            as is_registration,
        {# a waiting-room row of someone the file shows admitted belongs to
           their attendance (not a session); only never admitted is none #}
        bool_or(not is_in_waiting_room) over (
            partition by
                source_file,
                coalesce(
                    nullif(lower(trim(email)), ''),
                    nullif(lower(trim(user_name)), '')
                )
        ) as was_admitted

    from typed

),

{# The flat meeting export names no meeting: its key is the file's first
   join (to the second, UTC) and who joined then (the least name hash),
   which depend on content only, so a re-upload gives the same key. #}
flat_first_joins as (

    select
        source_file,
        min(joined_at) as first_joined_at

    from counted
    where report_kind = 'meeting_participants_flat'
        and load_error is null
        and not is_in_waiting_room
    group by 1

),

flat_meetings as (

    select
        counted.source_file,
        flat_first_joins.first_joined_at,
        min({{ hash_identifier('counted.name_normalized') }})
            as first_joiner_sha256

    from counted
    inner join flat_first_joins
        on counted.source_file = flat_first_joins.source_file
        and counted.joined_at = flat_first_joins.first_joined_at
    where counted.report_kind = 'meeting_participants_flat'
        and counted.load_error is null
        and not counted.is_in_waiting_room
    group by 1, 2

),

keyed as (

    select
        counted.*,
        case
            when counted.report_kind = 'meeting_participants'
                then
                    'meeting|' || counted.meeting_id_digits || '|'
                    || {{ format_iso_timestamp(
                        'counted.meeting_started_at_utc'
                    ) }}
            when counted.report_kind = 'meeting_participants_flat'
                then
                    'first-join|'
                    || {{ format_iso_timestamp(
                        'flat_meetings.first_joined_at'
                    ) }}
                    || '|' || coalesce(flat_meetings.first_joiner_sha256, '')
        end as meeting_key,
        flat_meetings.first_joined_at as meeting_first_joined_at,
        case
            when counted.report_kind in {{ meeting_kinds }}
                then 'Duration (Minutes)'
            else 'Time in Session (minutes)'
        end as minutes_label

    from counted
    left join flat_meetings
        on counted.source_file = flat_meetings.source_file

),

judged as (

    select
        *,
        case
            when load_error is not null then load_error
            when report_kind in {{ webinar_kinds }}
                and coalesce(webinar_id_digits, '') = ''
                then 'webinar id missing'
            when report_kind = 'meeting_participants'
                and coalesce(meeting_id_digits, '') = ''
                then 'meeting id missing'
            {%- for raw, parsed, label in zoom_times %}
            when nullif(nullif(trim({{ raw }}), ''), '--') is not null
                and {{ parsed }} is null
                then '{{ label }} is not a timestamp: {{ zoom_format_hint | replace("'", "''") }}' -- noqa: LT05
            {%- endfor %}
            when has_attended and joined_at is null
                then 'Join Time missing for a row marked Attended'
            when has_attended and left_at is null
                then 'Leave Time missing for a row marked Attended'
            when has_attended
                and nullif(
                    nullif(trim(minutes_in_session), ''), '--'
                ) is not null
                and minutes_in_session_int is null
                then minutes_label || ' is not a whole number'
            when has_attended and left_at < joined_at
                then 'Leave Time before Join Time: not an attendance'
            when has_attended and minutes_in_session_int < 0
                then minutes_label || ' is negative: not an attendance'
            when is_in_waiting_room and not was_admitted
                then 'in the waiting room only, never admitted: not an attendance' -- noqa: LT05
            when participant_role not in ('host', 'panelist')
                and not has_attended
                and not is_registration
                and coalesce(is_registration_withdrawn, false)
                then
                    'Approval Status '
                    || lower(trim(approval_status))
                    || ': not a registration, and no attendance in this row'
            when participant_role not in ('host', 'panelist')
                and not has_attended
                and not is_registration
                and not is_in_waiting_room
                then 'neither a registration nor an attendance'
            when is_registration and not has_attended
                and registered_at is null
                then 'Registration Time missing for a registrant who did not attend' -- noqa: LT05
        end as row_rejection_reason

    from keyed

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "judged.source_file || ':' || cast(judged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as webinar_attendee_row_id,
        nullif(judged.webinar_id_digits, '') as webinar_id,
        nullif(judged.meeting_id_digits, '') as meeting_id,
        judged.meeting_key,

        ---------- identifiers (pii: never leaves staging)
        emails.email_normalized,
        emails.email_sha256,
        emails.is_role_address as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,
        judged.name_normalized,
        {{ hash_identifier('judged.name_normalized') }} as name_sha256,

        ---------- strings
        judged.report_kind,
        judged.participant_role,
        judged.webinar_topic,
        judged.meeting_topic,
        nullif(trim(judged.approval_status), '') as approval_status,
        nullif(nullif(trim(judged.country_region_name), ''), '--')
            as country_region_name,
        judged.region_hint,
        nullif(trim(judged.source_name), '') as registration_source,
        nullif(trim(judged.recording_consent), '') as recording_consent,
        judged.extra_columns as registration_answers,
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        coalesce(
            judged.row_rejection_reason,
            case
                when judged.participant_role not in ('host', 'panelist')
                    and emails.email_sha256 is null
                    and phones.phone_sha256 is null
                    then 'no usable identifier: email and phone missing or rejected' -- noqa: LT05
            end
        ) as row_rejection_reason,
        {{ json_object_as_text('judged.value_errors') }}
            as value_rejection_reason,

        ---------- numerics
        judged.minutes_in_session_int as minutes_in_session,

        ---------- booleans
        judged.has_attended,
        judged.is_registration,
        judged.is_in_waiting_room,
        lower(trim(judged.is_guest)) = 'yes' as is_guest,

        ---------- timestamps
        judged.webinar_started_at_utc as webinar_started_at,
        judged.webinar_scheduled_at_utc as webinar_scheduled_at,
        judged.meeting_started_at_utc as meeting_started_at,
        judged.meeting_first_joined_at,
        judged.registered_at,
        judged.joined_at,
        judged.left_at,

        ---------- provenance
        'zoom' as source_system,
        judged.source_file,
        judged.source_row_number,
        judged.source_file_sha256,
        judged.source_file_modified_at,
        judged._loaded_at

    from judged
    left join emails
        on judged.email = emails.email_raw
    left join phones
        on judged.phone = phones.phone_raw
        and judged.region_hint = phones.region_hint

)

select * from final
