{# One row per distinct raw email value of any source
   (stg_identifiers__email_candidates), parsed once: the staging models join
   back on email_raw. A value is rejected when it is not
   an address (email_rejection_reason), when nothing is left after cleaning,
   or when it is on the blocklist seed and not on the allowlist seed.
   A table rebuilt every run: judging only the values first seen since the
   last build saved under 10% of a 10M incremental run (docs/incremental.md). #}
with

candidates as (

    select email_raw
    from {{ ref('stg_identifiers__email_candidates') }}

),

blocklist as (

    select
        lower(trim(identifier_value)) as identifier_value,
        min(reason) as reason

    from {{ ref('identifier_blocklist') }}
    where identifier_type in ('any', 'email')
    group by 1

),

allowlist as (

    select distinct lower(trim(identifier_value)) as identifier_value
    from {{ ref('identifier_allowlist') }}
    where identifier_type in ('any', 'email')

),

role_local_parts as (

    select distinct lower(trim(local_part)) as local_part
    from {{ ref('role_email_local_parts') }}

),

cleaned as (

    select
        email_raw,
        {{ canonicalize_email(clean_email('email_raw')) }} as email_cleaned

    from candidates

),

judged as (

    select
        cleaned.email_raw,
        cleaned.email_cleaned,
        case
            when cleaned.email_cleaned is null
                then 'email: nothing left after removing mailto: and the display name' -- noqa: LT05
            when blocked.identifier_value is not null
                and allowed.identifier_value is null
                then 'email: placeholder value (' || blocked.reason || ')'
            else {{ email_rejection_reason('cleaned.email_cleaned') }}
        end as email_rejection_reason,
        role_local_parts.local_part is not null as is_role_local_part

    from cleaned
    left join blocklist as blocked
        on cleaned.email_cleaned = blocked.identifier_value
    left join allowlist as allowed
        on cleaned.email_cleaned = allowed.identifier_value
    left join role_local_parts
        on split_part(split_part(cleaned.email_cleaned, '@', 1), '+', 1)
        = role_local_parts.local_part

),

final as (

    select
        ---------- identifiers (pii)
        email_raw,
        case
            when email_rejection_reason is null then email_cleaned
        end as email_normalized,
        {{ hash_identifier(
            'case when email_rejection_reason is null then email_cleaned end'
        ) }} as email_sha256,

        ---------- strings
        case
            when email_rejection_reason is null then {{ hash_version() }}
        end as hash_version,
        email_rejection_reason,

        ---------- booleans
        coalesce(
            is_role_local_part and email_rejection_reason is null, false
        ) as is_role_address

    from judged

)

select * from final
