{# Fails with one row per row of the newest load of an export relation (the
   rows of its latest update_time_column: what this run appended) that
   breaks an Amplitude rule: a per-row rule (amplitude_row_problem), an
   insert_id used twice across both export relations, or a device_id linked
   to two user_ids across both export relations (identifies and events
   carrying a user_id). Meant at error severity: a row here may already be on
   its way to Amplitude.

   Only the newest load is judged: older loads were judged when they landed,
   and they are in Amplitude already, where no fix can reach them (the
   relations are append-only), so a rule that changed since (a var) must not
   fail every later build. Judging the newest load also keeps the test's cost
   that of one run's rows, not of the whole history. #}
{% test amplitude_export_is_merge_safe(model, export_kind, other_export) %}

{#- Each reader reads the relation on its own: a CTE read three times is
    materialized whole, every row's properties held in memory at once. -#}
{%- set is_newest_load -%}
    update_time_column = (select max(update_time_column) from {{ model }})
{%- endset %}

with

newest_load as (

    select '{{ export_kind }}' as export_kind, *
    from {{ model }}
    where {{ is_newest_load }}

),

other_exported as (

    select insert_id, device_id, user_id from {{ other_export }}

),

links as (

    select device_id, user_id from {{ model }} where device_id is not null and user_id is not null
    union all
    select device_id, user_id from other_exported where device_id is not null and user_id is not null

),

conflicted_devices as (

    select device_id
    from links
    where device_id in (select device_id from {{ model }} where {{ is_newest_load }})
    group by 1
    having count(distinct user_id) > 1

),

insert_ids as (

    select insert_id from {{ model }}
    union all
    select insert_id from other_exported

),

repeated_insert_ids as (

    select insert_id
    from insert_ids
    where insert_id in (select insert_id from {{ model }} where {{ is_newest_load }})
    group by 1
    having count(*) > 1

),

final as (

    select
        newest_load.insert_id,
        coalesce(
            {{ amplitude_row_problem('newest_load') }},
            case
                when newest_load.insert_id in (select insert_id from repeated_insert_ids)
                    then 'insert_id used twice across the export relations'
                when newest_load.user_id is not null
                    and newest_load.device_id in (select device_id from conflicted_devices)
                    then 'device_id linked to two user_ids across the export relations'
            end
        ) as failure

    from newest_load

)

select * from final
where failure is not null

{% endtest %}
