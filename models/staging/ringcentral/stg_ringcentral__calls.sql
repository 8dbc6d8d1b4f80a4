{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['stg_ringcentral__call_records'])) }}
{% set scope = incremental_scope() %}
with

{# the call-log rows read and judged (stg_ringcentral__call_records) #}
judged as (

    select *
    from {{ ref('stg_ringcentral__call_records') }}
    where {{ loaded_since_scope(scope) }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

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
            ('call_duration_seconds', 'judged.duration_seconds'),
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
        judged.duration_seconds,

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
