{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['base_ringcentral__call_log_rows'])) }}
{% set scope = incremental_scope() %}
with

call_rows as (

    select *
    from {{ engine_ref('base_ringcentral__call_log_rows') }}
    where {{ loaded_since_scope(scope) }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

typed as (

    select
        *,
        lower(trim(direction)) as direction_normalized,
        case
            when lower(trim(direction)) = 'outbound' then to_phone_number
            else from_phone_number
        end as counterpart_phone_raw,
        case
            when lower(trim(direction)) = 'outbound' then to_name
            else from_name
        end as counterpart_name,
        {{ parse_iso_timestamp('start_time') }} as started_at,
        {{ dbt.safe_cast('duration', dbt.type_int()) }} as duration_seconds_int

    from call_rows

),

judged as (

    select
        *,
        case
            when load_error is not null then load_error
            when nullif(trim(call_id), '') is null then 'call id missing'
            when started_at is null
                then 'startTime is not an ISO-8601 timestamp'
            when direction_normalized not in ('inbound', 'outbound')
                then 'direction is neither Inbound nor Outbound'
        end as row_rejection_reason

    from typed

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "judged.source_file || ':' || cast(judged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as call_log_row_id,
        {{ hash_identifier("'ringcentral|call|' || trim(judged.call_id)") }}
            as touch_id,
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
            ('call_action', 'judged.action'),
            ('call_duration_seconds', 'judged.duration_seconds_int'),
        ]) }} as event_properties,
        judged.direction_normalized as direction,
        judged.call_type,
        judged.action,
        judged.result,
        phones.phone_rejection_reason,
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
