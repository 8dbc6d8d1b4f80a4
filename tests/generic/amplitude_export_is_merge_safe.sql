{# Fails with one row per exported row that breaks an Amplitude rule: a
   per-row rule (amplitude_row_problem), an insert_id used twice across both
   export relations, or a device_id linked to two user_ids across both
   export relations (identifies and events carrying a user_id). Meant at
   error severity: a row here may already be on its way to Amplitude. #}
{% test amplitude_export_is_merge_safe(model, export_kind, other_export) %}

with

exported as (

    select '{{ export_kind }}' as export_kind, * from {{ model }}

),

other_exported as (

    select insert_id, device_id, user_id from {{ other_export }}

),

links as (

    select device_id, user_id from exported where device_id is not null and user_id is not null
    union all
    select device_id, user_id from other_exported where device_id is not null and user_id is not null

),

conflicted_devices as (

    select device_id
    from links
    group by 1
    having count(distinct user_id) > 1

),

insert_ids as (

    select insert_id from exported
    union all
    select insert_id from other_exported

),

repeated_insert_ids as (

    select insert_id
    from insert_ids
    group by 1
    having count(*) > 1

),

final as (

    select
        exported.insert_id,
        coalesce(
            {{ amplitude_row_problem('exported') }},
            case
                when exported.insert_id in (select insert_id from repeated_insert_ids)
                    then 'insert_id used twice across the export relations'
                when exported.user_id is not null
                    and exported.device_id in (select device_id from conflicted_devices)
                    then 'device_id linked to two user_ids across the export relations'
            end
        ) as failure

    from exported

)

select * from final
where failure is not null

{% endtest %}
