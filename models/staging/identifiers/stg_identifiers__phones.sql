{# One row per distinct (raw phone, region hint), judged against the
   blocklist and hashed. A table, rebuilt on every run from the parse
   cache: its incremental path saved nothing measurable
   (docs/incremental.md). #}
with

parsed as (

    select * from {{ ref('stg_identifiers__phones_e164') }}

),

blocklist as (

    select
        lower(identifier_value) as identifier_value,
        min(reason) as reason

    from {{ ref('identifier_blocklist') }}
    where identifier_type in ('any', 'phone')
    group by 1

),

{# A phone a spreadsheet rewrote in scientific notation (4.42079E+11, or
   4,42079E+11 in a decimal-comma locale) kept six significant digits: the
   others are gone, and no parser can bring them back. libphonenumber would
   read what digits are left as a number, so the project rejects it before:
   the digits are never guessed. #}
judged as (

    select
        parsed.phone_raw,
        parsed.region_hint,
        case
            when {{ sql_regex_full_match(
                    'trim(parsed.phone_raw)',
                    "'[+-]?[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+'"
                ) }}
                or raw_blocked.identifier_value is not null
                or e164_blocked.identifier_value is not null
                then null
            else parsed.phone_e164
        end as phone_e164,
        case
            when {{ sql_regex_full_match(
                    'trim(parsed.phone_raw)',
                    "'[+-]?[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+'"
                ) }}
                {# the reason never carries the value (quarantined_records) #}
                then 'phone: rewritten by a spreadsheet in scientific notation (like 4.42079E+11); the digits are lost' -- noqa: LT05
            when raw_blocked.identifier_value is not null
                then 'phone: placeholder value (' || raw_blocked.reason || ')'
            when e164_blocked.identifier_value is not null
                then 'phone: blocklisted number (' || e164_blocked.reason || ')'
            else parsed.phone_parse_error
        end as phone_rejection_reason

    from parsed
    left join blocklist as raw_blocked
        on lower(trim(parsed.phone_raw)) = raw_blocked.identifier_value
    left join blocklist as e164_blocked
        on parsed.phone_e164 = e164_blocked.identifier_value

),

final as (

    select
        ---------- identifiers (pii)
        phone_raw,
        region_hint,
        phone_e164,
        {{ hash_identifier('phone_e164') }} as phone_sha256,

        ---------- strings
        case
            when phone_e164 is not null then {{ hash_version() }}
        end as hash_version,
        phone_rejection_reason

    from judged

)

select * from final
