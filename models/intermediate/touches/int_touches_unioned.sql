{# Every off-platform touch with at least one usable identifier, from every
   source, deduplicated on content so a re-uploaded export adds nothing.
   Incremental on DuckDB: a run recomputes only the touches that rows of
   newly loaded files reach (a webinar touch then carries their _loaded_at,
   a call or offline touch is chosen again among all its rows). #}
{{ config(**incremental_chain_config(
    touch_staging_models(),
    unique_key='touch_id',
    unique_guard={'columns': ['touch_id'], 'written': '_written_at'},
)) }}
{% set scope = incremental_scope() %}
with

webinar_touches as (

    select *
    from {{ ref('int_zoom__webinar_touches') }}
    where {{ loaded_since_scope(scope) }}

),

call_rows as (

    select *
    from {{ ref('stg_ringcentral__calls') }}
    where row_rejection_reason is null
        and phone_sha256 is not null

),

calls as (

    select *
    from call_rows
    {%- if scope.mode == 'append' %}
    where call_id in (
        select call_id
        from {{ ref('stg_ringcentral__calls') }}
        where {{ loaded_since_scope(scope) }}
    )
    {%- endif %}
    qualify
        row_number() over (
            partition by call_id order by source_file, source_row_number
        ) = 1

),

offline_rows as (

    select *
    from {{ ref('stg_offline__touches') }}
    where row_rejection_reason is null
        and coalesce(email_sha256, phone_sha256) is not null

),

offline_touches as (

    select *
    from offline_rows
    {%- if scope.mode == 'append' %}
    where exists (
        select 1
        from {{ ref('stg_offline__touches') }} as new_rows
        where {{ loaded_since_scope(scope, 'new_rows._loaded_at') }}
            and new_rows.touch_source = offline_rows.touch_source
            and new_rows.touch_id = offline_rows.touch_id
    )
    {%- endif %}
    qualify
        row_number() over (
            partition by touch_source, touch_id
            order by source_file, source_row_number
        ) = 1

),

call_touches as (

    select
        {{ hash_identifier("'ringcentral|call|' || call_id") }} as touch_id,
        'ringcentral' as source_system,
        case
            when direction = 'outbound'
                then '{{ var("identity__event_type_outbound_call") }}'
            else '{{ var("identity__event_type_inbound_call") }}'
        end as event_type,
        started_at as occurred_at,
        cast(null as {{ dbt.type_string() }}) as email_sha256,
        phone_sha256,
        name_sha256,
        false as is_role_email,
        {{ json_object_without_nulls([
            ('source_system', "'ringcentral'"),
            ('call_id', 'call_id'),
            ('call_session_id', 'session_id'),
            ('call_direction', 'direction'),
            ('call_result', 'result'),
            ('call_action', 'action'),
            ('call_duration_seconds', 'duration_seconds'),
        ]) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from calls

),

other_touches as (

    select
        {{ hash_identifier("'offline|' || touch_source || '|' || touch_id") }}
            as touch_id,
        'offline' as source_system,
        event_type,
        occurred_at,
        email_sha256,
        phone_sha256,
        name_sha256,
        coalesce(is_role_email, false) as is_role_email,
        {{ json_merge_patch(
            as_json('properties'),
            json_object_without_nulls([
                ('source_system', "'offline'"),
                ('touch_source', 'touch_source'),
                ('touch_id', 'touch_id'),
            ])
        ) }} as event_properties,
        source_file,
        source_row_number,
        _loaded_at

    from offline_touches

),

unioned as (

    select * from webinar_touches
    union all
    select * from call_touches
    union all
    select * from other_touches

),

final as (

    select
        *,
        {{ monotonic_write_marker('_written_at') }} as _written_at

    from unioned

)

select * from final
