{# One row per identifier (type and hash): its dense node id for the graph,
   when it was first seen, the product user that owns it (it is in that
   user's own record), and whether it is shared by too many people to be
   linking evidence (an office switchboard, info@, a phone of two users). #}
{% set max_names = var('identity__max_names_per_identifier') %}
{% set max_emails = var('identity__max_emails_per_phone') %}
with

evidence as (

    select * from {{ ref('int_identifiers_unioned') }}

),

allowlist as (

    select distinct
        identifier_type || ':' || {{ hash_identifier('identifier_value') }}
            as identifier_id

    from {{ ref('identifier_allowlist') }}

),

record_users as (

    select distinct
        record_id,
        user_id

    from evidence
    where identifier_type = 'user_id'

),

record_emails as (

    select distinct
        record_id,
        identifier_sha256 as email_sha256

    from evidence
    where identifier_type = 'email'

),

per_identifier as (

    select
        evidence.identifier_id,
        min(evidence.identifier_type) as identifier_type,
        min(evidence.identifier_sha256) as identifier_sha256,
        min(evidence.user_id) as user_id,
        min(evidence.observed_at) as first_seen_at,
        count(distinct evidence.record_id) as record_count,
        count(distinct evidence.name_sha256) as distinct_name_count,
        count(distinct record_users.user_id) as distinct_user_count,
        min(record_users.user_id) as record_user_id,
        count(distinct record_emails.email_sha256) as distinct_email_count,
        bool_or(evidence.is_role_address) as is_role_address

    from evidence
    left join record_users
        on evidence.record_id = record_users.record_id
    left join record_emails
        on evidence.record_id = record_emails.record_id
        and evidence.identifier_type = 'phone'
    group by 1

),

judged as (

    select
        per_identifier.*,
        allowlist.identifier_id is not null as is_allowlisted,
        case
            when per_identifier.identifier_type = 'user_id' then null
            when per_identifier.distinct_user_count > 1
                then 'shared: belongs to ' || per_identifier.distinct_user_count
                    || ' users'
            when per_identifier.is_role_address
                then 'shared: role address (info@, sales@ ...)'
            when per_identifier.distinct_name_count > {{ max_names }}
                then 'shared: used by ' || per_identifier.distinct_name_count
                    || ' distinct names (limit {{ max_names }})'
            when per_identifier.identifier_type = 'phone'
                and per_identifier.distinct_email_count > {{ max_emails }}
                then 'shared: used with ' || per_identifier.distinct_email_count
                    || ' distinct emails (limit {{ max_emails }})'
        end as shared_reason

    from per_identifier
    left join allowlist
        on per_identifier.identifier_id = allowlist.identifier_id

),

{# The allowlist overrides every shared rule but one: an identifier in the
   records of two product users never links, or it would join them. #}
overridden as (

    select
        *,
        case
            when distinct_user_count > 1 then shared_reason
            when not is_allowlisted then shared_reason
        end as kept_shared_reason

    from judged

),

final as (

    select
        ---------- ids
        identifier_id,
        dense_rank() over (order by identifier_id) as node_id,
        identifier_type,
        identifier_sha256,
        user_id,
        case
            when kept_shared_reason is null then record_user_id
        end as owner_user_id,

        ---------- strings
        {{ hash_version() }} as hash_version,
        kept_shared_reason as shared_reason,

        ---------- numerics
        record_count,
        distinct_name_count,
        distinct_user_count,
        distinct_email_count,

        ---------- booleans
        kept_shared_reason is not null as is_shared,
        is_allowlisted,
        is_role_address,

        ---------- timestamps
        first_seen_at

    from overridden

)

select * from final
