{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# One row per person id ever assigned: its anchor identifier, its device_id
   and the run that first assigned it. Append-only and kept on
   --full-refresh, so an id handed out once (and maybe exported to
   Amplitude) is preferred on every later run.

   A person's anchor is chosen in this order:
   1. an email or phone before a user_id (only an email or phone gives a
      device_id);
   2. an anchor already in this registry, the earliest registered first
      (when persons merge, the older id survives; a late file that brings
      an older observation of another identifier does not move it);
   3. else the identifier seen first (ties: email before phone, then the
      hash).
   The person_id is sha256('person|' || anchor identifier_id) and the
   device_id the anchor's hash, so a device_id always names the same person
   id: it is never reassigned. int_identifiers_clustered applies the same
   order to this registry after the run's rows are in. #}
with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

components as (

    select * from {{ ref('int_identity_components') }}

),

registered as (

    {% if is_incremental() %}
    select
        anchor_identifier_id,
        registered_at,
        anchor_first_seen_at

    from {{ this }}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as anchor_identifier_id,
        cast(null as {{ dbt.type_timestamp() }}) as registered_at,
        cast(null as {{ dbt.type_timestamp() }}) as anchor_first_seen_at

    where 1 = 0
    {% endif %}

),

candidates as (

    select
        components.component_id,
        identifiers.identifier_id,
        identifiers.identifier_type,
        identifiers.identifier_sha256,
        identifiers.first_seen_at,
        registered.registered_at,
        coalesce(
            registered.anchor_first_seen_at, identifiers.first_seen_at
        ) as ranked_first_seen_at

    from identifiers
    inner join components
        on identifiers.node_id = components.node_id
    left join registered
        on identifiers.identifier_id = registered.anchor_identifier_id

),

chosen as (

    select *
    from candidates
    qualify
        row_number() over (
            partition by component_id
            order by
                case
                    when identifier_type in ('email', 'phone') then 0
                    else 1
                end,
                case when registered_at is not null then 0 else 1 end,
                registered_at,
                ranked_first_seen_at,
                identifier_type,
                identifier_sha256
        ) = 1

),

final as (

    select
        ---------- ids
        {{ hash_identifier("'person|' || identifier_id") }} as person_id,
        case
            when identifier_type in ('email', 'phone') then identifier_sha256
        end as device_id,
        identifier_id as anchor_identifier_id,

        ---------- strings
        identifier_type as anchor_identifier_type,
        '{{ invocation_id }}' as registered_by_invocation_id,

        ---------- timestamps
        first_seen_at as anchor_first_seen_at,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as {{ dbt.type_timestamp() }}
        ) as registered_at

    from chosen
    where registered_at is null

)

select * from final
