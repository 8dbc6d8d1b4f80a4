{# Every person row of every Zoom file, judged on its own: what it counts as
   (a registration, an attendance) and what rejects it. A row's reason is
   the first that applies: its values (reading_rejection_reason), then,
   since it takes the file's other rows, whether its person was never
   admitted from a meeting's waiting room (stg_zoom__webinar_attendees),
   then what it counts as (counting_rejection_reason), then its
   identifiers. Ephemeral, as stg_zoom__typed_report_rows. #}
{{ config(materialized='ephemeral') }}
{% set time_hint = zoom_report_time_hint(var('identity__zoom_date_order')) %}
{% set webinar_kinds = "('attendee_report', 'registration_report')" %}
{% set meeting_kinds =
    "('meeting_participants', 'meeting_participants_flat')" %}
with

typed_rows as (

    select * from {{ ref('stg_zoom__typed_report_rows') }}

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
        case
            when report_kind in {{ meeting_kinds }}
                then 'Duration (Minutes)'
            else 'Time in Session (minutes)'
        end as minutes_label

    from typed_rows

),

final as (

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
            {%- for raw, parsed, label in zoom_report_times() %}
            when nullif(nullif(trim({{ raw }}), ''), '--') is not null
                and {{ parsed }} is null
                then '{{ label }} is not a timestamp: {{ time_hint | replace("'", "''") }}' -- noqa: LT05
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
        end as reading_rejection_reason,
        case
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
        end as counting_rejection_reason

    from counted

)

select * from final
