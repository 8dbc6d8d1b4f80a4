{# Every row of the erasure request files (erasure_request_rows), with its
   email, phone and user_id normalized and hashed exactly as staging does
   (clean_email, canonicalize_email, the phone parse, hash_identifier), and
   why a row cannot be honoured. Rebuilt every run from the files: only
   hashes, never a raw or normalized value, are written. A table, because
   hash_identifier is never called in a view (docs/hashing.md). The phone
   parse (seconds of SQL to compile) runs only when a request names a
   phone. #}
-- depends_on: {{ ref('phone_region_metadata') }}
{%- set request_sql = erasure_request_rows() -%}
{%- set has_phones = execute and run_query(
    'select count(*) > 0 from (' ~ request_sql ~ ') as requests'
    ~ " where nullif(trim(phone), '') is not null"
).columns[0].values()[0] %}
with

request_rows as (

    {{ request_sql }}

),

phone_inputs as (

    select distinct
        phone as phone_raw,
        '{{ var("identity__default_phone_region") }}' as region_hint

    from request_rows
    where nullif(trim(phone), '') is not null

),

parsed_phones as (

    {% if has_phones -%}
    {{ parse_phone_numbers('phone_inputs') }}
    {%- else -%}
    select
        phone_raw,
        region_hint,
        cast(null as varchar) as phone_e164,
        cast(null as varchar) as phone_rejection_reason

    from phone_inputs
    {%- endif %}

),

cleaned as (

    select
        request_rows.source_file,
        request_rows.source_row_number,
        {{ parse_iso_timestamp('trim(request_rows.requested_at)') }}
            as requested_at,
        nullif(trim(request_rows.requested_at), '') is not null
            as has_requested_at,
        {{ canonicalize_email(clean_email('request_rows.email')) }}
            as email_cleaned,
        nullif(trim(request_rows.email), '') is not null as has_email,
        parsed_phones.phone_e164,
        parsed_phones.phone_rejection_reason,
        nullif(trim(request_rows.phone), '') is not null as has_phone,
        nullif(trim(request_rows.user_id), '') as user_id

    from request_rows
    left join parsed_phones
        on request_rows.phone = parsed_phones.phone_raw

),

judged as (

    select
        cleaned.*,
        case
            when cleaned.has_email and cleaned.email_cleaned is null
                then 'email: nothing left after removing mailto: and the display name' -- noqa: LT05
            when cleaned.has_email
                then {{ email_rejection_reason('cleaned.email_cleaned') }}
        end as email_rejection_reason

    from cleaned

),

hashed as (

    select
        judged.*,
        case
            when judged.has_email and judged.email_rejection_reason is null
                then {{ hash_identifier('judged.email_cleaned') }}
        end as email_sha256,
        case
            when judged.has_phone and judged.phone_e164 is not null
                then {{ hash_identifier('judged.phone_e164') }}
        end as phone_sha256,
        {{ hash_identifier('judged.user_id') }} as user_id_sha256

    from judged

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "'erasure request|' || source_file || ':' || "
            ~ "cast(source_row_number as varchar)"
        ) }} as request_id,

        ---------- identifiers (hashes only)
        email_sha256,
        phone_sha256,
        user_id_sha256,

        ---------- strings
        case
            when not has_requested_at then 'requested_at missing'
            when requested_at is null
                then 'requested_at is not an ISO-8601 timestamp (2026-12-01T09:30:00Z)' -- noqa: LT05
            when not (has_email or has_phone or user_id is not null)
                then 'no email, phone or user_id to erase'
            when email_sha256 is null
                and phone_sha256 is null
                and user_id_sha256 is null
                then 'nothing usable to erase: '
                || coalesce(email_rejection_reason, phone_rejection_reason)
        end as row_rejection_reason,
        email_rejection_reason,
        case when has_phone then phone_rejection_reason end
            as phone_rejection_reason,

        ---------- timestamps
        requested_at,

        ---------- provenance
        'privacy' as source_system,
        source_file,
        source_row_number

    from hashed

)

select * from final
