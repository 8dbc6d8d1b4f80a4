{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['base_ringcentral__call_log_rows'])) }}
{% set scope = incremental_scope() %}
{# The admin portal / app download's Date (its weekday dropped) and Time,
   read in the account's time zone (var identity__ringcentral_timezone). #}
{% set portal_formats = [
    '%m/%d/%Y %I:%M %p',
    '%m/%d/%Y %I:%M:%S %p',
    '%m/%d/%Y %H:%M',
    '%m/%d/%Y %H:%M:%S',
] %}
{% set portal_timezone = var('identity__ringcentral_timezone') %}
{% set outbound = "lower(trim(direction)) in ('outbound', 'outgoing')" %}
with

call_rows as (

    select *
    from {{ engine_ref('base_ringcentral__call_log_rows') }}
    where {{ loaded_since_scope(scope) }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

{# the lead: the caller of an inbound call, the callee of an outbound one
   (the registry's `phone` expression for this source picks the same) #}
sided as (

    select
        *,
        coalesce(call_log_layout, 'api_csv') = 'portal_csv' as is_portal,
        case
            when lower(trim(direction)) in ('inbound', 'incoming')
                then 'inbound'
            when {{ outbound }} then 'outbound'
        end as direction_normalized,
        case
            when {{ outbound }} then to_phone_number
            else from_phone_number
        end as counterpart_phone_raw,
        case
            when {{ outbound }} then to_extension_number
            else from_extension_number
        end as counterpart_extension_number,
        case
            when {{ outbound }} then to_name
            else from_name
        end as counterpart_name,
        {{ sql_regex_replace(
            'trim(start_date)', "'^[A-Za-z]+,? +'", "''", all_matches=false
        ) }} || ' ' || trim(start_clock) as start_local_text,
        trim(duration) as duration_text

    from call_rows

),

typed as (

    select
        *,
        case
            when is_portal
                then {{ parse_local_timestamp(
                    'start_local_text', portal_formats, portal_timezone
                ) }}
            else {{ parse_iso_timestamp('start_time') }}
        end as started_at,
        case
            when {{ sql_regex_full_match('duration_text', "'[0-9]+'") }}
                then {{ dbt.safe_cast('duration_text', dbt.type_int()) }}
            when is_portal
                and {{ sql_regex_full_match(
                    'duration_text', "'[0-9]+:[0-5][0-9]:[0-5][0-9]'"
                ) }}
                then
                    {{ dbt.safe_cast(
                        "split_part(duration_text, ':', 1)", dbt.type_int()
                    ) }} * 3600
                    + {{ dbt.safe_cast(
                        "split_part(duration_text, ':', 2)", dbt.type_int()
                    ) }} * 60
                    + {{ dbt.safe_cast(
                        "split_part(duration_text, ':', 3)", dbt.type_int()
                    ) }}
        end as duration_seconds_int

    from sided

),

judged as (

    select
        *,
        case
            when load_error is not null then load_error
            when not is_portal and nullif(trim(call_id), '') is null
                then 'call id missing'
            when not is_portal and started_at is null
                then 'startTime is not an ISO-8601 timestamp'
            when is_portal and nullif(trim(start_date), '') is null
                then 'Date missing'
            when is_portal and nullif(trim(start_clock), '') is null
                then 'Time missing'
            when is_portal and started_at is null
                then 'Date and Time are not a call-log date and time: expected a date such as ''Wed 03/18/2026'' and a time such as ''3:02 PM''' -- noqa: LT05
            when not is_portal and direction_normalized is null
                then 'direction is neither Inbound nor Outbound'
            when direction_normalized is null
                then 'Direction is neither Incoming nor Outgoing'
            when nullif(trim(counterpart_phone_raw), '') is null
                and nullif(trim(counterpart_extension_number), '') is not null
                then 'internal call: the '
                    || case
                        when direction_normalized = 'outbound' then 'callee'
                        else 'caller'
                    end
                    || ' is an extension of the account, not an outside number'
        end as row_rejection_reason,
        nullif(concat_ws(
            '; ',
            {{ json_object_as_text('value_errors') }},
            case
                when nullif(duration_text, '') is null
                    or duration_seconds_int is not null
                    then null
                when is_portal
                    then 'Duration: not a duration such as 0:05:12 (h:mm:ss); dropped' -- noqa: LT05
                else 'duration: not a whole number of seconds; dropped'
            end
        ), '') as value_rejection_reason

    from typed

),

final as (

    select
        ---------- ids (the touch contract: CONTRIBUTING.md)
        {{ hash_identifier(
            "judged.source_file || ':' || cast(judged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as call_log_row_id,
        {# The API's call id; the portal download has none, so its calls are
           keyed on their content only (start to the minute, direction, both
           sides' digits): a re-upload under another name, or an
           overlapping download, is the same touch. #}
        case
            when judged.is_portal
                then {{ hash_identifier(
                    "'ringcentral|call-log-download|' || "
                    ~ format_iso_timestamp('judged.started_at')
                    ~ " || '|' || judged.direction_normalized || '|' || "
                    ~ sql_regex_replace(
                        "coalesce(judged.from_phone_number, "
                        ~ "judged.from_extension_number, '')",
                        "'[^0-9]'", "''"
                    )
                    ~ " || '|' || "
                    ~ sql_regex_replace(
                        "coalesce(judged.to_phone_number, "
                        ~ "judged.to_extension_number, '')",
                        "'[^0-9]'", "''"
                    )
                ) }}
            else {{ hash_identifier(
                "'ringcentral|call|' || trim(judged.call_id)"
            ) }}
        end as touch_id,
        trim(judged.call_id) as call_id,
        trim(judged.session_id) as session_id,

        ---------- identifiers (pii: never leaves staging)
        cast(null as {{ dbt.type_string() }}) as email_sha256,
        phones.phone_e164,
        phones.phone_sha256,
        {{ normalize_name('judged.counterpart_name') }} as name_normalized,
        {{ hash_identifier(normalize_name('judged.counterpart_name')) }}
            as name_sha256,

        ---------- strings
        'ringcentral' as source_system,
        case
            when judged.direction_normalized = 'outbound'
                then '{{ var("identity__event_type_outbound_call") }}'
            else '{{ var("identity__event_type_inbound_call") }}'
        end as event_type,
        {{ json_object_without_nulls([
            ('source_system', "'ringcentral'"),
            ('call_id', 'trim(judged.call_id)'),
            ('call_session_id', 'trim(judged.session_id)'),
            ('call_direction', 'judged.direction_normalized'),
            ('call_result', 'judged.result'),
            ('call_result_description', 'judged.result_description'),
            ('call_action', 'judged.action'),
            ('call_duration_seconds', 'judged.duration_seconds_int'),
        ]) }} as event_properties,
        coalesce(judged.call_log_layout, 'api_csv') as call_log_layout,
        judged.direction_normalized as direction,
        judged.call_type,
        judged.action,
        judged.result,
        judged.result_description,
        phones.phone_rejection_reason,
        judged.value_rejection_reason,
        coalesce(
            judged.row_rejection_reason,
            case
                when phones.phone_sha256 is null
                    then 'no usable identifier: caller phone missing or rejected' -- noqa: LT05
            end
        ) as row_rejection_reason,

        ---------- numerics
        judged.duration_seconds_int as duration_seconds,

        ---------- booleans
        false as is_role_email,

        ---------- timestamps
        judged.started_at,
        judged.started_at as occurred_at,

        ---------- provenance
        judged.source_file,
        judged.source_row_number,
        judged.source_file_sha256,
        judged.source_file_modified_at,
        judged._loaded_at

    from judged
    left join phones
        on judged.counterpart_phone_raw = phones.phone_raw
        and phones.region_hint = '{{ var("identity__default_phone_region") }}'

)

select * from final
