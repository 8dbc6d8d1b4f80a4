{# One row per (device_id, user_id) link known now: a lead's device folds
   into the user it became. Timed at the later of the signup and the first
   sight of the device, the moment the link became true.
   It summarizes only the persons that hold a product user, as dim_persons
   does for all of them, so that the export gate does not wait for the
   whole mart (5 s at 10M touches). #}
{% set identify_event_type = var('identity__identify_event_type') %}

with

user_persons as (

    select
        person_id,
        min(device_id) as device_id,
        min(user_id) as user_id,
        min(first_seen_at) as first_seen_at

    from {{ ref('int_identifiers_clustered') }}
    where user_id is not null
    group by 1

),

user_touches as (

    select
        person_id,
        {{ person_touch_aggregates() }}

    from {{ ref('int_touches_resolved') }}
    where user_id is not null
    group by 1

),

signups as (

    {{ user_signups_sql() }}

),

persons as (

    select
        user_persons.*,
        user_touches.first_touch_source,
        user_touches.first_touch_event_type,
        user_touches.first_touch_at,
        user_touches.touch_count,
        signups.signed_up_at

    from user_persons
    inner join user_touches
        on user_persons.person_id = user_touches.person_id
    left join signups
        on user_persons.user_id = signups.user_id

),

first_properties as (

    select
        person_id,
        device_id,
        user_id,
        greatest(signed_up_at, first_seen_at) as linked_at,
        {{ json_object_without_nulls([
            ('first_offline_touch_type', 'first_touch_event_type'),
            ('first_offline_touch_source', 'first_touch_source'),
            ('first_offline_touch_at', format_iso_timestamp('first_touch_at')),
        ]) }} as set_once_properties,
        {{ json_object_without_nulls([
            ('has_offline_touches', 'touch_count > 0'),
        ]) }} as set_properties

    from persons
    where device_id is not null
        and user_id is not null
        and touch_count > 0

),

final as (

    select
        {# insert_id and time are Amplitude's field names (the export
           contract), though SQL keywords. #}
        {{ hash_identifier("'identify|' || device_id || '|' || user_id") }}
            as insert_id, -- noqa: RF04
        '{{ identify_event_type }}' as event_type,
        user_id,
        device_id,
        {{ to_epoch_ms('linked_at') }} as time, -- noqa: RF04
        {% if identify_event_type == '$identify' -%}
        cast(null as {{ json_type() }})
        {%- else -%}
        cast('{}' as {{ json_type() }})
        {%- endif %} as event_properties,
        {% if identify_event_type == '$identify' -%}
        {{ json_object_without_nulls([
            ('$setOnce', as_json('set_once_properties')),
            ('$set', as_json('set_properties')),
        ]) }}
        {%- else -%}
        {{ json_merge_patch(
            as_json('set_properties'), as_json('set_once_properties')
        ) }}
        {%- endif %} as user_properties,
        person_id

    from first_properties

)

select * from final
