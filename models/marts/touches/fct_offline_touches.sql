{# One row per off-platform touch, with its person and, once known, the
   product user it became: the table to answer "did attending raise
   conversion?". Incremental on DuckDB: a run writes the touches that are
   new or changed and those whose person, device_id, user_id or signup time
   changed: the touches int_touches_resolved wrote since the last build,
   and those of users with rows loaded since (an earlier signup row moves
   the signup time). #}
{{ config(**incremental_chain_config(
    touch_staging_models() + ['stg_app__users'],
    unique_key='touch_id',
    read_marks={'resolved_mark': ['int_touches_resolved', '_resolved_at']},
)) }}
{% set scope = incremental_scope() %}
{% set resolved_mark = incremental_read_mark(scope, 'resolved_mark') %}
with

signups as (

    {{ user_signups_sql() }}

),
{%- if scope.mode == 'append' and resolved_mark is not none %}

touches_to_write as (

    select touch_id
    from {{ ref('int_touches_resolved') }}
    where _resolved_at > {{ resolved_mark }}
        or user_id in (
            select user_id
            from {{ ref('stg_app__users') }}
            where {{ loaded_since_scope(scope) }}
        )

),
{%- elif scope.mode == 'append' %}

{#- An append first finds, on narrow columns, the touches to write: new or
    changed since the last build, or with another person, device_id,
    user_id or signup time now; only those are then read whole. -#}
state_now as (

    select
        resolved.touch_id,
        resolved._loaded_at,
        resolved.person_id,
        resolved.device_id,
        resolved.user_id,
        signups.signed_up_at

    from {{ ref('int_touches_resolved') }} as resolved
    left join signups
        on resolved.user_id = signups.user_id

),

touches_to_write as (

    {{ touches_to_rewrite(
        'state_now',
        scope,
        ['person_id', 'device_id', 'user_id', 'signed_up_at']
    ) }}

),
{%- endif %}

touches as (

    select *
    from {{ ref('int_touches_resolved') }}
    {%- if scope.mode == 'append' %}
    where touch_id in (select touch_id from touches_to_write)
    {%- endif %}

),

final as (

    select
        ---------- ids
        touches.touch_id,
        touches.person_id,
        touches.device_id,
        touches.user_id,

        ---------- strings
        touches.source_system,
        touches.event_type,
        touches.event_properties,

        ---------- numerics
        case
            when signups.signed_up_at >= touches.occurred_at
                then {{ dbt.datediff(
                    'touches.occurred_at', 'signups.signed_up_at', 'day'
                ) }}
        end as days_to_signup,

        ---------- booleans
        touches.user_id is not null as is_person_converted,
        coalesce(
            signups.signed_up_at >= touches.occurred_at, false
        ) as is_converted_after_touch,

        ---------- timestamps
        touches.occurred_at,
        signups.signed_up_at,

        ---------- provenance
        touches.source_file,
        touches.source_row_number,
        touches._loaded_at

    from touches
    left join signups
        on touches.user_id = signups.user_id

)

select * from final
