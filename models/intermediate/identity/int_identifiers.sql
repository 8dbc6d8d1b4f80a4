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

{# Each count is taken on its own, on distinct pairs: four count(distinct)
   in one grouping kept a distinct set per identifier and spilled at 10M
   rows. #}
per_identifier_facts as (

    {# (record_id, identifier_id) is unique in the evidence (tested before
       this model builds), so count(*) counts records. #}
    select
        identifier_id,
        min(identifier_type) as identifier_type,
        min(identifier_sha256) as identifier_sha256,
        min(user_id) as user_id,
        min(observed_at) as first_seen_at,
        count(*) as record_count,
        bool_or(is_role_address) as is_role_address

    from evidence
    group by 1

),

identifier_names as (

    select distinct
        identifier_id,
        name_sha256

    from evidence
    where name_sha256 is not null

),

per_identifier_names as (

    select
        identifier_id,
        count(*) as distinct_name_count

    from identifier_names
    group by 1

),

record_users as (

    select distinct
        record_id,
        user_id

    from evidence
    where identifier_type = 'user_id'

),

identifier_users as (

    select distinct
        evidence.identifier_id,
        record_users.user_id

    from evidence
    inner join record_users
        on evidence.record_id = record_users.record_id

),

per_identifier_users as (

    select
        identifier_id,
        count(*) as distinct_user_count,
        min(user_id) as record_user_id

    from identifier_users
    group by 1

),

record_emails as (

    select distinct
        record_id,
        identifier_sha256 as email_sha256

    from evidence
    where identifier_type = 'email'

),

phone_emails as (

    select distinct
        evidence.identifier_id,
        record_emails.email_sha256

    from evidence
    inner join record_emails
        on evidence.record_id = record_emails.record_id
    where evidence.identifier_type = 'phone'

),

per_phone_emails as (

    select
        identifier_id,
        count(*) as distinct_email_count

    from phone_emails
    group by 1

),

per_identifier as (

    select
        per_identifier_facts.identifier_id,
        per_identifier_facts.identifier_type,
        per_identifier_facts.identifier_sha256,
        per_identifier_facts.user_id,
        per_identifier_facts.first_seen_at,
        per_identifier_facts.record_count,
        coalesce(per_identifier_names.distinct_name_count, 0)
            as distinct_name_count,
        coalesce(per_identifier_users.distinct_user_count, 0)
            as distinct_user_count,
        per_identifier_users.record_user_id,
        coalesce(per_phone_emails.distinct_email_count, 0)
            as distinct_email_count,
        per_identifier_facts.is_role_address

    from per_identifier_facts
    left join per_identifier_names
        on per_identifier_facts.identifier_id
        = per_identifier_names.identifier_id
    left join per_identifier_users
        on per_identifier_facts.identifier_id
        = per_identifier_users.identifier_id
    left join per_phone_emails
        on per_identifier_facts.identifier_id = per_phone_emails.identifier_id

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
