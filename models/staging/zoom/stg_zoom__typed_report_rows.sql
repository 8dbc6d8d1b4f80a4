{# Every person row of every Zoom file, read: its times in every format Zoom
   has written (parse_zoom_report_time), its ids as digits, its name
   normalized, its role, and its country's phone region. Ephemeral: the
   incremental models that read it filter it to the rows they stage, and
   that filter reaches the loaded rows before any of this is computed. #}
{{ config(materialized='ephemeral') }}
with

report_rows as (

    select * from {{ engine_ref('base_zoom__attendee_report_rows') }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

final as (

    select
        report_rows.*,
        coalesce(
            country_regions.region_code,
            '{{ var("identity__default_phone_region") }}'
        ) as region_hint,
        {%- for raw, parsed, label in zoom_report_times() %}
        {{ parse_zoom_report_time('report_rows.' ~ raw) }} as {{ parsed }},
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

)

select * from final
