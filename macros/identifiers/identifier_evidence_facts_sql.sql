{#- A select (with its own CTEs, so it can be the body of a caller's CTE)
    of one row per identifier of `evidence` (rows of int_identifiers_unioned)
    with what the records holding it say: its type, hash, user_id, first
    sighting, role flag, and how many records, distinct names, product users
    (and the smallest) and, for a phone, distinct emails hold it. The emails
    of a phone's records are read from `record_evidence`, which holds at
    least every email row of those records. Used by int_identifiers. -#}
{% macro identifier_evidence_facts_sql(evidence, record_evidence) %}
    with

    {# Each count is taken on its own, on distinct pairs: four
       count(distinct) in one grouping kept a distinct set per identifier
       and spilled at 10M rows. #}
    per_identifier_facts as (

        {# (record_id, identifier_id) is unique in the evidence (checked
           before int_identifiers builds), so count(*) counts records. #}
        select
            identifier_id,
            min(identifier_type) as identifier_type,
            min(identifier_sha256) as identifier_sha256,
            min(user_id) as user_id,
            min(observed_at) as first_seen_at,
            count(*) as record_count,
            bool_or(is_role_address) as is_role_address

        from {{ evidence }}
        group by 1

    ),

    identifier_names as (

        select distinct
            identifier_id,
            name_sha256

        from {{ evidence }}
        where name_sha256 is not null

    ),

    per_identifier_names as (

        select
            identifier_id,
            count(*) as distinct_name_count

        from identifier_names
        group by 1

    ),

    {# The users whose own record holds the identifier. Only a product
       user's record ('user:' || user_id, see int_identifiers_unioned) holds
       a user_id, so its user is read from the record id, with no join to
       the record's other rows (at 10M touches an append's query: 10.9 s to
       6.0 s, with the emails below). #}
    identifier_users as (

        select distinct
            identifier_id,
            substr(record_id, 6) as user_id

        from {{ evidence }}
        where record_id like 'user:%'

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

        from {{ record_evidence }}
        where identifier_type = 'email'

    ),

    phone_emails as (

        select distinct
            evidence.identifier_id,
            record_emails.email_sha256

        from {{ evidence }} as evidence
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

    )

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
        on per_identifier_facts.identifier_id
        = per_phone_emails.identifier_id
{% endmacro %}
