{{ config(enabled=target.type == 'spark', materialized='table') }}
{# INTERIM (Spark only, until the portable parse_phone_numbers macro and the
   phone_region_metadata seed are merged): a plain normalizer, not
   libphonenumber. It drops an extension, keeps the digits, and reads them as
   E.164 when written with `+`, else as a national number of the region hint
   (country calling code below, trunk `0` dropped; NANP: 10 digits or 1 + 10).
   It does not check number ranges, so an invalid number of the right length
   passes where the DuckDB parser rejects it. #}
{% set calling_codes = {
    'US': '1', 'CA': '1', 'GB': '44', 'DE': '49', 'FR': '33', 'IN': '91', 'AU': '61',
    'BR': '55', 'MX': '52', 'ES': '34', 'IT': '39', 'NL': '31', 'JP': '81', 'SG': '65',
    'IE': '353',
} %}

with

candidates as (

    select * from {{ ref('stg_identifiers__phone_candidates') }}

),

stripped as (

    select
        phone_raw,
        region_hint,
        trim(phone_raw) like '+%' as is_international,
        regexp_replace(
            regexp_replace(trim(phone_raw), '(?i)\\s*(ext\\.?|extension|x|#)\\s*[0-9]+$', ''),
            '[^0-9]',
            ''
        ) as digits

    from candidates

),

national as (

    select
        *,
        case region_hint
            {%- for region, code in calling_codes.items() %}
            when '{{ region }}' then '{{ code }}'
            {%- endfor %}
        end as calling_code

    from stripped

),

normalized as (

    select
        phone_raw,
        region_hint,
        case
            when is_international then '+' || digits
            when calling_code = '1' and length(digits) = 10 then '+1' || digits
            when calling_code = '1' and length(digits) = 11 and digits like '1%' then '+' || digits
            when calling_code <> '1' and region_hint <> 'IT' and digits like '0%'
                then '+' || calling_code || substr(digits, 2)
            when calling_code <> '1' then '+' || calling_code || digits
        end as candidate_e164

    from national

),

final as (

    select
        phone_raw,
        region_hint,
        case
            when length(candidate_e164) between 9 and 16
                and (candidate_e164 not like '+1%' or length(candidate_e164) = 12)
                then candidate_e164
        end as phone_e164,
        case
            when not (length(candidate_e164) between 9 and 16
                and (candidate_e164 not like '+1%' or length(candidate_e164) = 12))
                or candidate_e164 is null
                then 'phone: not a valid number for region ' || region_hint
        end as phone_parse_error

    from normalized

)

select * from final
