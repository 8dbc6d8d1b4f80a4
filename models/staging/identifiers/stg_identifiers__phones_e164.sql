{# libphonenumber's parse and is_valid_number, in portable SQL over its own
   metadata (seed phone_region_metadata, generated from `phonenumbers`). #}
with

candidates as (

    select * from {{ ref('stg_identifiers__phone_candidates') }}

),

parsed as (

    {{ parse_phone_numbers('candidates') }}

),

final as (

    select
        phone_raw,
        region_hint,
        phone_e164,
        phone_rejection_reason as phone_parse_error

    from parsed

)

select * from final
