{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['stg_offline__touch_records'])) }}
{% set scope = incremental_scope() %}
with

{# the offline-touch rows typed and judged (stg_offline__touch_records) #}
judged as (

    select *
    from {{ ref('stg_offline__touch_records') }}
    where {{ loaded_since_scope(scope) }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

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
        ) }} as offline_touch_row_id,
        {{ hash_identifier(
            "'offline|' || trim(judged.source) || '|' || trim(judged.touch_id)"
        ) }} as touch_id,
        trim(judged.touch_id) as source_touch_id,

        ---------- identifiers (pii: never leaves staging)
        emails.email_normalized,
        emails.email_sha256,
        coalesce(emails.is_role_address, false) as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,
        {{ normalize_name('judged.full_name') }} as name_normalized,
        {{ hash_identifier(normalize_name('judged.full_name')) }}
            as name_sha256,

        ---------- strings
        'offline' as source_system,
        trim(judged.source) as touch_source,
        trim(judged.event_type) as event_type,
        case
            when judged.row_rejection_reason is null then judged.properties_text
        end as properties,
        case
            when judged.row_rejection_reason is null
                then {{ json_merge_patch(
                    as_json('judged.properties_text'),
                    json_object_without_nulls([
                        ('source_system', "'offline'"),
                        ('touch_source', 'trim(judged.source)'),
                        ('touch_id', 'trim(judged.touch_id)'),
                    ])
                ) }}
        end as event_properties,
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        judged.value_rejection_reason,
        coalesce(
            judged.row_rejection_reason,
            case
                when emails.email_sha256 is null and phones.phone_sha256 is null
                    then 'no usable identifier: email and phone missing or rejected' -- noqa: LT05
            end
        ) as row_rejection_reason,

        ---------- timestamps
        judged.occurred_at_utc as occurred_at,

        ---------- provenance
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
        and phones.region_hint = '{{ var("identity__default_phone_region") }}'

)

select * from final
