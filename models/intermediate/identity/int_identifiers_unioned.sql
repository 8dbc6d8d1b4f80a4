{# One row per record and identifier: the evidence of the identity graph.
   A record is a touch or a product user (int_app__user_identifiers); every
   identifier in it co-occurs with every other. Incremental on DuckDB: a run writes the evidence of
   the touches written since the last build and of the users with new rows,
   replacing each such record's rows. _loaded_at is the newest load of the
   record's rows (any row of a user's), so the rows an append wrote are
   those loaded after its watermark, which a scan finds from the row groups'
   min/max alone. #}
{# stg_app__users is a root for its rows' count: a removed users file
   rebuilds #}
{{ config(**incremental_chain_config(
    ['int_touches_unioned', 'stg_app__users'],
    unique_key='record_id',
    unique_guard={
        'columns': ['record_id', 'identifier_id'], 'written': '_written_at'
    },
)) }}
{% set scope = incremental_scope() %}
with

touches as (

    select *
    from {{ ref('int_touches_unioned') }}
    where {{ loaded_since_scope(scope) }}

),

{# a product user's record: its user id, email and phone #}
user_identifiers as (

    select *
    from {{ ref('int_app__user_identifiers') }}
    where {{ loaded_since_scope(scope) }}

),

touch_emails as (

    select
        touch_id as record_id,
        source_system,
        'email' as identifier_type,
        email_sha256 as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        name_sha256,
        is_role_email as is_role_address,
        occurred_at as observed_at,
        _loaded_at

    from touches
    where email_sha256 is not null

),

touch_phones as (

    select
        touch_id as record_id,
        source_system,
        'phone' as identifier_type,
        phone_sha256 as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        name_sha256,
        false as is_role_address,
        occurred_at as observed_at,
        _loaded_at

    from touches
    where phone_sha256 is not null

),

final as (

    select
        *,
        identifier_type || ':' || identifier_sha256 as identifier_id,
        {{ monotonic_write_marker('_written_at') }} as _written_at

    from (
        select * from touch_emails
        union all
        select * from touch_phones
        union all
        select * from user_identifiers
    ) as unioned

)

select * from final
