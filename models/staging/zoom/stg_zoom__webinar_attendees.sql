{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['base_zoom__attendee_report_rows'])) }}
{% set scope = incremental_scope() %}
{% set zoom_formats = [
    '%b %d, %Y %H:%M:%S',
    '%m/%d/%Y %I:%M:%S %p',
    '%Y-%m-%d %H:%M:%S',
] %}
{% set zoom_timezone = var('identity__zoom_timezone') %}
{% set zoom_format_hint = "expected a Zoom report time such as"
    ~ " 'Mar 10, 2026 17:00:12' or '03/10/2026 05:00:12 PM'" %}
{# (raw column, parsed column, column as the report names it): a value that is
   there (not empty, not Zoom's `--`) but does not parse rejects the row. #}
{% set zoom_times = [
    ('webinar_started_at', 'webinar_started_at_utc', 'Actual Start Time'),
    ('registration_time', 'registered_at', 'Registration Time'),
    ('join_time', 'joined_at', 'Join Time'),
    ('leave_time', 'left_at', 'Leave Time'),
] %}

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
        {{ parse_local_timestamp(
            'nullif(report_rows.registration_time, \'--\')',
            zoom_formats,
            zoom_timezone
        ) }} as registered_at,
        {{ parse_local_timestamp(
            'nullif(report_rows.join_time, \'--\')',
            zoom_formats,
            zoom_timezone
        ) }} as joined_at,
        {{ parse_local_timestamp(
            'nullif(report_rows.leave_time, \'--\')',
            zoom_formats,
            zoom_timezone
        ) }} as left_at,
        {{ parse_local_timestamp(
            'report_rows.webinar_started_at',
            zoom_formats,
            zoom_timezone
        ) }} as webinar_started_at_utc,
        {{ dbt.safe_cast(
            "nullif(report_rows.minutes_in_session, '--')", dbt.type_int()
        ) }} as minutes_in_session_int,
        lower(trim(report_rows.attended)) = 'yes' as has_attended

    from report_rows
    left join country_regions
        on lower(trim(report_rows.country_region_name))
        = lower(country_regions.country_region_name)

),

judged as (

    select
        *,
        case
            when load_error is not null then load_error
            when nullif(trim(webinar_id), '') is null then 'webinar id missing'
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
                then 'Time in Session (minutes) is not a whole number'
            when not has_attended and registered_at is null
                then 'Registration Time missing for a registrant who did not attend' -- noqa: LT05
        end as row_rejection_reason

    from typed

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "judged.source_file || ':' || cast(judged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as webinar_attendee_row_id,
        replace(trim(judged.webinar_id), ' ', '') as webinar_id,

        ---------- identifiers (pii: never leaves staging)
        emails.email_normalized,
        emails.email_sha256,
        emails.is_role_address as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,
        {{ normalize_name('judged.user_name') }} as name_normalized,
        {{ hash_identifier(normalize_name('judged.user_name')) }}
            as name_sha256,

        ---------- strings
        judged.section as participant_role,
        judged.webinar_topic,
        judged.approval_status,
        judged.country_region_name,
        judged.region_hint,
        nullif(trim(judged.source_name), '') as registration_source,
        judged.extra_columns as registration_answers,
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        coalesce(
            judged.row_rejection_reason,
            case
                when judged.section = 'attendee'
                    and emails.email_sha256 is null
                    and phones.phone_sha256 is null
                    then 'no usable identifier: email and phone missing or rejected' -- noqa: LT05
            end
        ) as row_rejection_reason,

        ---------- numerics
        judged.minutes_in_session_int as minutes_in_session,

        ---------- booleans
        judged.has_attended,
        lower(trim(judged.is_guest)) = 'yes' as is_guest,

        ---------- timestamps
        judged.webinar_started_at_utc as webinar_started_at,
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
