{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=['{{ erase_export_rows() }}'],
) }}
{# Which exported rows belong to an erased identifier: the events of a touch
   that held it (its insert_id is the touch_id), and every events or
   identifies row whose device_id is its hash (the person was anchored on
   it) or whose user_id it is. Read by name, before this run rebuilds them:
   the touches as the last run left them (int_touches_unioned, the only
   place a touch's hashes and its touch_id meet) and the export relations.
   Append-only and kept on --full-refresh: the post-hook (erase_export_rows)
   deletes every row listed here from the export relations, before the gate
   runs, so a listed row is never pushed, and privacy_amplitude_deletions
   lists its ids for Amplitude. #}
{%- set relations = {} -%}
{%- for name in [
    'int_touches_unioned',
    'export_amplitude__events',
    'export_amplitude__identifies',
] -%}
    {%- do relations.update({name: adapter.get_relation(
        database=target.database,
        schema=graph.nodes['model.' ~ project_name ~ '.' ~ name].schema,
        identifier=name,
    ) if execute else none}) -%}
{%- endfor %}
with

tombstones as (

    select * from {{ ref('privacy_erasure_tombstones') }}

),

erased_touches as (

    {% if relations['int_touches_unioned'] is not none %}
    select
        touches.touch_id,
        min(tombstones.request_id) as request_id

    from {{ relations['int_touches_unioned'] }} as touches
    inner join tombstones
        on tombstones.identifier_id in (
            'email:' || touches.email_sha256,
            'phone:' || touches.phone_sha256
        )
    group by 1
    {% else %}
    select
        cast(null as varchar) as touch_id,
        cast(null as varchar) as request_id
    where false
    {% endif %}

),

exported as (

    {% for kind in ['events', 'identifies'] %}
    {% set relation = relations['export_amplitude__' ~ kind] %}
    {% if relation is not none %}
    select
        '{{ kind }}' as export_kind,
        insert_id,
        device_id,
        user_id,
        update_time_column

    from {{ relation }}
    where {{ 'true' if erasure_has_tombstones() else 'false' }}
    {% else %}
    select
        '{{ kind }}' as export_kind,
        cast(null as varchar) as insert_id, -- noqa: RF04
        cast(null as varchar) as device_id,
        cast(null as varchar) as user_id,
        cast(null as timestamp) as update_time_column
    where false
    {% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# Rows `make push` sent are rows of these relations (the push reads
   them and its ledger keeps only export_kind and insert_id), so matching
   the relations covers them too; a row deleted here is never pushed. #}
candidates as (

    select * from exported

),

{# each distinct user_id hashed once, not each row #}
erased_user_ids as (

    select
        user_ids.user_id,
        tombstones.request_id

    from (
        select distinct user_id from candidates
        where user_id is not null
    ) as user_ids
    inner join tombstones
        on tombstones.identifier_type = 'user_id'
        and {{ hash_identifier('user_ids.user_id') }}
        = tombstones.identifier_sha256

),

matched as (

    select
        exported.export_kind,
        exported.insert_id,
        exported.device_id,
        exported.user_id,
        exported.update_time_column,
        coalesce(
            erased_touches.request_id,
            by_device.request_id,
            by_user.request_id
        ) as request_id

    from candidates as exported
    left join erased_touches
        on exported.export_kind = 'events'
        and exported.insert_id = erased_touches.touch_id
    left join tombstones as by_device
        on by_device.identifier_type in ('email', 'phone')
        and exported.device_id = by_device.identifier_sha256
    left join erased_user_ids as by_user
        on exported.user_id = by_user.user_id
    where erased_touches.touch_id is not null
        or by_device.identifier_id is not null
        or by_user.user_id is not null

),

new_rows as (

    select matched.*
    from matched
    {% if is_incremental() %}
    left join {{ this }} as recorded
        on matched.export_kind = recorded.export_kind
        and matched.insert_id = recorded.insert_id
        and matched.update_time_column = recorded.update_time_column
    where recorded.insert_id is null
    {% endif %}

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "export_kind || '|' || insert_id || '|' || "
            ~ "cast(update_time_column as varchar)"
        ) }} as erased_export_row_id,
        insert_id,
        device_id,
        user_id,
        request_id,

        ---------- strings
        export_kind,

        ---------- timestamps
        update_time_column,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        ) as erased_at

    from new_rows

)

select * from final
