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

{# created_at as database dumps write it (ISO-8601 with `T` or a space,
   with or without an offset or fractional seconds: psql's
   `2026-04-02 09:30:00.123456+00`), or as a spreadsheet re-saves it, in the
   US locale's month-first order (`4/2/2026 9:30`). Text without an offset is
   UTC. A day-first sheet (`13/02/2026`) does not parse and is rejected. #}
parsed as (

    select
        user_rows.*,
        coalesce(
            {{ parse_iso_timestamp('trim(user_rows.created_at)') }},
            {{ parse_local_timestamp('trim(user_rows.created_at)', [
                '%m/%d/%Y %H:%M',
                '%m/%d/%Y %H:%M:%S',
                '%m/%d/%Y %I:%M %p',
                '%m/%d/%Y %I:%M:%S %p',
                '%m/%d/%Y',
            ], 'UTC') }}
        ) as created_at_utc

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
                then 'created_at is not a timestamp: expected ISO-8601 (2026-04-02T09:30:00Z) or month-first as a spreadsheet writes it (4/2/2026 9:30)' -- noqa: LT05
        end as row_rejection_reason,
        {{ json_object_as_text('parsed.value_errors') }}
            as value_rejection_reason

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
        judged.value_rejection_reason,
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
