{# One row per identifier (type and hash): its node id for the graph, when
   it was first seen, the product user that owns it (it is in that user's
   own record), and whether it is shared by too many people to be linking
   evidence (an office switchboard, info@, a phone of two users).
   Incremental on DuckDB: an identifier's facts depend only on the records
   that hold it, so a run recomputes the identifiers of the records written
   since the last build (int_identifiers_unioned replaced them) and those
   that left a rewritten record: those of a rewritten product user's record
   before (its owner, or shared), and, when a rewritten touch record held
   evidence before (touch_evidence_replaced), every identifier whose record
   count changed. Node ids stay what they were; a new identifier takes the
   next free one. #}
{{ config(**incremental_chain_config(
    ['int_identifiers_unioned'],
    unique_key='identifier_id',
    post_hooks=['delete from {{ this }} where record_count = 0'],
)) }}
{# an append reads which touches were rewritten from here #}
-- depends_on: {{ ref('int_touches_unioned') }}
{% set scope = incremental_scope() %}
{# The evidence is read as the table, not a CTE: DuckDB materializes a CTE
   read more than once, with every column (16M rows at 10M touches). An
   append reads it through the CTEs `evidence` (the affected identifiers'
   rows) and `record_evidence` (the emails of the records holding an
   affected phone). #}
{% set all_evidence = ref('int_identifiers_unioned') %}
{% set evidence = 'evidence' if scope.mode == 'append' else all_evidence %}
{% set record_evidence = (
    'record_evidence' if scope.mode == 'append' else all_evidence
) %}
{% set touches_replaced = (
    touch_evidence_replaced(scope) if scope.mode == 'append' else 0
) %}
{% if touches_replaced != 0 %}
    {% do log(this ~ ': rewritten touch records held ' ~ touches_replaced
        ~ ' evidence rows; every record count is compared', info=True) %}
{% endif %}
{% set max_names = var('identity__max_names_per_identifier') %}
{% set max_emails = var('identity__max_emails_per_phone') %}
with

{% if scope.mode == 'append' -%}
previous as (

    select
        identifier_id,
        node_id,
        owner_user_id,
        record_count,
        distinct_user_count,
        is_shared,
        _shared_changed_at

    from {{ this }}

),

rewritten_records as (

    {{ identity_records_loaded_since(scope) }}

),

{# In a rewritten record now; or in a rewritten product user's record
   before: owned by that user, or shared (its owner is not kept), since
   only identifiers of users' records count users. #}
affected as (

    select identifier_id
    from {{ all_evidence }} as all_evidence
    where {{ loaded_since_scope(scope) }}

    union

    select identifier_id
    from previous
    where distinct_user_count > 0
        and (
            owner_user_id is null
            or 'user:' || owner_user_id in (
                select record_id from rewritten_records
            )
        )
    {%- if touches_replaced != 0 %}

    union

    {# held by another number of records than at the last build: it left a
       rewritten touch record #}
    select coalesce(record_counts_now.identifier_id, previous.identifier_id)
    from (
        select
            identifier_id,
            count(*) as record_count

        from {{ all_evidence }} as all_evidence
        group by 1
    ) as record_counts_now
    full outer join previous
        on record_counts_now.identifier_id = previous.identifier_id
    where record_counts_now.record_count
        is distinct from previous.record_count
    {%- endif %}

),

{# The affected identifiers' rows, and the other rows of their records
   (a record's user and emails count for each of its identifiers). #}
evidence as (

    select *
    from {{ all_evidence }} as all_evidence
    where identifier_id in (select identifier_id from affected)

),

record_evidence as (

    select *
    from {{ all_evidence }} as all_evidence
    where identifier_type = 'email'
        and record_id in (
            select record_id
            from evidence
            where identifier_type = 'phone'
        )

),

{# Left every record: written with record_count 0, which the post-hook
   deletes (delete+insert only replaces the keys it writes). #}
vanished as (

    select affected.identifier_id
    from affected
    inner join previous
        on affected.identifier_id = previous.identifier_id
    where not exists (
        select 1
        from evidence
        where evidence.identifier_id = affected.identifier_id
    )

),
{%- endif %}

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

{# The users whose own record holds the identifier. Only a product user's
   record ('user:' || user_id, see int_identifiers_unioned) holds a user_id,
   so its user is read from the record id, with no join to the record's
   other rows (at 10M touches an append's query: 10.9 s to 6.0 s, with the
   emails below). #}
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

{% if scope.mode == 'append' -%}
{# Old identifiers keep their node ids; new ones are numbered after them.
   The shared verdict's mark moves only when the verdict does. #}
numbered as (

    select
        overridden.*,
        case
            when previous.is_shared
                = (overridden.kept_shared_reason is not null)
                then previous._shared_changed_at
            else {{ monotonic_write_marker('_shared_changed_at') }}
        end as _shared_changed_at,
        coalesce(
            previous.node_id,
            (select coalesce(max(node_id), 0) from previous)
            + row_number() over (
                partition by previous.node_id is null
                order by overridden.identifier_id
            )
        ) as node_id

    from overridden
    left join previous
        on overridden.identifier_id = previous.identifier_id

),
{%- else -%}
numbered as (

    select
        *,
        {{ monotonic_write_marker('_shared_changed_at') }}
            as _shared_changed_at,
        dense_rank() over (order by identifier_id) as node_id

    from overridden

),
{%- endif %}

final as (

    select
        ---------- ids
        identifier_id,
        node_id,
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
        first_seen_at,
        _shared_changed_at

    from numbered
    {%- if scope.mode == 'append' %}

    union all

    select
        identifier_id,
        cast(null as {{ dbt.type_bigint() }}) as node_id,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as owner_user_id,
        cast(null as {{ dbt.type_string() }}) as hash_version,
        cast(null as {{ dbt.type_string() }}) as shared_reason,
        0 as record_count,
        0 as distinct_name_count,
        0 as distinct_user_count,
        0 as distinct_email_count,
        cast(null as boolean) as is_shared,
        cast(null as boolean) as is_allowlisted,
        cast(null as boolean) as is_role_address,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as _shared_changed_at

    from vanished
    {%- endif %}

)

select * from final
