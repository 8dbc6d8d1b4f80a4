with

user_rows as (

    select * from {{ engine_ref('base_app__user_rows') }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

blocklist as (

    select distinct lower(identifier_value) as identifier_value
    from {{ ref('identifier_blocklist') }}
    where identifier_type in ('any', 'user_id')

),

parsed as (

    select
        user_rows.*,
        {{ parse_iso_timestamp('user_rows.created_at') }} as created_at_utc

    from user_rows

),

judged as (

    select
        parsed.*,
        case
            when parsed.load_error is not null then parsed.load_error
            when nullif(trim(parsed.user_id), '') is null then 'user_id missing'
            when blocklist.identifier_value is not null
                then 'user_id is a placeholder or an Amplitude invalid id'
            when parsed.created_at_utc is null
                then 'created_at is not an ISO-8601 timestamp'
        end as row_rejection_reason

    from parsed
    left join blocklist
        on lower(trim(parsed.user_id)) = blocklist.identifier_value

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "judged.source_file || ':' || cast(judged.source_row_number as "
            ~ dbt.type_string() ~ ")"
        ) }} as user_row_id,
        trim(judged.user_id) as user_id,

        ---------- identifiers (pii: never leaves staging)
        emails.email_normalized,
        emails.email_sha256,
        emails.is_role_address as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,

        ---------- strings
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        judged.row_rejection_reason,

        ---------- timestamps
        judged.created_at_utc as created_at,

        ---------- provenance
        'app' as source_system,
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
