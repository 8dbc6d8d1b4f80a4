{# The call-log rows read in their layout and judged. A view:
   stg_ringcentral__calls reads from it only the rows of its incremental
   scope. #}
{{ config(materialized='view') }}
{% set outbound = "lower(trim(direction)) in ('outbound', 'outgoing')" %}
with

call_rows as (

    select * from {{ engine_ref('base_ringcentral__call_log_rows') }}

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
        trim(duration) as duration_text

    from call_rows

),

{# the portal download's Date and Time (in the account's time zone) and
   h:mm:ss Duration; the API's ISO-8601 startTime and seconds #}
typed as (

    select
        *,
        case
            when is_portal
                then {{ ringcentral_portal_timestamp(
                    'start_date', 'start_clock'
                ) }}
            else {{ parse_iso_timestamp('start_time') }}
        end as started_at,
        {{ ringcentral_duration_seconds('duration_text', 'is_portal') }}
            as duration_seconds

    from sided

),

final as (

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
                    or duration_seconds is not null
                    then null
                when is_portal
                    then 'Duration: not a duration such as 0:05:12 (h:mm:ss); dropped' -- noqa: LT05
                else 'duration: not a whole number of seconds; dropped'
            end
        ), '') as value_rejection_reason

    from typed

)

select * from final
