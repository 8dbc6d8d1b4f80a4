{# One row per identifier (type and hash): its node id for the graph, when
   it was first seen, the product user that owns it (it is in that user's
   own record), and whether it is shared by too many people to be linking
   evidence (an office switchboard, info@, a phone of two users).
   Incremental on DuckDB: an identifier's facts depend only on the records
   that hold it, so an append recomputes the identifiers of rewritten records
   and those that left one (identifiers_recomputed_evidence); node ids stay. #}
{{ config(**incremental_chain_config(
    ['int_identifiers_unioned'],
    unique_key='identifier_id',
    post_hooks=['delete from {{ this }} where record_count = 0'],
)) }}
{# an append reads which touches and users were rewritten from these #}
-- depends_on: {{ ref('int_touches_unioned') }}
-- depends_on: {{ ref('stg_app__users') }}
{% set scope = incremental_scope() %}
{# The evidence is read as the table, not a CTE: DuckDB materializes a CTE
   read more than once, with every column (16M rows at 10M touches). An
   append reads the CTEs of identifiers_recomputed_evidence instead. #}
{% set evidence = 'evidence' if scope.mode == 'append'
    else ref('int_identifiers_unioned') %}
{% set record_evidence = 'record_evidence' if scope.mode == 'append'
    else ref('int_identifiers_unioned') %}
{% set max_names = var('identity__max_names_per_identifier') %}
{% set max_emails = var('identity__max_emails_per_phone') %}
with

{% if scope.mode == 'append' -%}
{{ identifiers_recomputed_evidence(scope) }}
{%- endif %}

allowlist as (

    select distinct
        identifier_type || ':' || {{ hash_identifier('identifier_value') }}
            as identifier_id

    from {{ ref('identifier_allowlist') }}

),

{# per identifier: its records, distinct names, users, a phone's emails #}
per_identifier as (

    {{ identifier_evidence_facts_sql(evidence, record_evidence) }}

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

{# a rebuild numbers the identifiers 1..n; an append keeps their node ids #}
numbered as (

    {% if scope.mode == 'append' -%}
    {{ identifiers_numbered_in_append('overridden', 'kept_shared_reason') }}
    {%- else -%}
    select
        *,
        {{ monotonic_write_marker('_shared_changed_at') }}
            as _shared_changed_at,
        dense_rank() over (order by identifier_id) as node_id

    from overridden
    {%- endif %}

),

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

    {{ identifiers_vanished_rows() }}
    {%- endif %}

)

select * from final
