{# Incremental on DuckDB: a run stages only the rows of files loaded since
   the last build (incremental_scope). #}
{{ config(**incremental_chain_config(['base_offline__touch_rows'])) }}
{% set scope = incremental_scope() %}
with

touch_rows as (

    select *
    from {{ engine_ref('base_offline__touch_rows') }}
    where {{ loaded_since_scope(scope) }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

typed as (

    select
        *,
        {{ parse_iso_timestamp('occurred_at') }} as occurred_at_utc,
        coalesce(nullif(trim(properties), ''), '{}') as properties_given

    from touch_rows

),

{# properties the touch can do without: one that is not a JSON object is
   dropped (the touch keeps `{}`) and named in value_rejection_reason #}
checked as (

    select
        *,
        {{ is_json_object('properties_given') }} as is_properties_object,
        case
            when {{ is_json_object('properties_given') }}
                then properties_given
            else '{}'
        end as properties_text

    from typed

),

judged as (

    select
        *,
        case
            when load_error is not null then load_error
            when nullif(trim(touch_id), '') is null then 'touch_id missing'
            when nullif(trim(source), '') is null then 'source missing'
            when nullif(trim(event_type), '') is null then 'event_type missing'
            when occurred_at_utc is null
                then 'occurred_at is not an ISO-8601 timestamp'
        end as row_rejection_reason,
        nullif(concat_ws(
            '; ',
            {{ json_object_as_text('value_errors') }},
            case
                when not is_properties_object
                    then 'properties: not a JSON object; dropped'
            end
        ), '') as value_rejection_reason

    from checked

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
