{# Why one export row breaks Amplitude's per-row rules (contract §8), or
   null when it is fine. `row` is a relation alias with the export columns
   and `export_kind` ('events' or 'identifies'). Link conflicts and insert_id
   clashes need the other rows: see amplitude_gate. #}
{% macro amplitude_row_problem(row) -%}
    {%- set identify_event_type = var('identity__identify_event_type') -%}
    coalesce(
        case
            when {{ row }}.insert_id is null or trim({{ row }}.insert_id) = '' then 'insert_id is empty'
            when length({{ row }}.insert_id) > 1024 then 'insert_id longer than 1024 characters'
            when {{ row }}.event_type is null or trim({{ row }}.event_type) = ''
                then 'event_type is empty'
            when length({{ row }}.event_type) > 1024 then 'event_type longer than 1024 characters'
            when {{ row }}.event_type like '[Amplitude]%'
                then 'event_type is reserved by Amplitude'
            when {{ row }}.export_kind = 'events' and {{ row }}.event_type like '$%'
                then 'event_type starting with $ is reserved for identify calls'
            when {{ row }}.export_kind = 'identifies' and {{ row }}.event_type <> {{ dbt.string_literal(identify_event_type) }}
                then 'identify event_type is not var identity__identify_event_type'
            when {{ row }}.export_kind = 'events' and {{ row }}.device_id is null
                then 'touch event without device_id'
            when {{ row }}.export_kind = 'identifies'
                and ({{ row }}.device_id is null or {{ row }}.user_id is null)
                then 'identify without both device_id and user_id'
            when {{ row }}.time is null then 'time is missing'
            when {{ row }}.time < {{ var('identity__min_event_time_ms') }}
                then 'time is before ' || cast({{ var('identity__min_event_time_ms') }} as {{ dbt.type_string() }}) || ' ms'
            when {{ row }}.time > {{ to_epoch_ms(dbt.current_timestamp()) }} + 86400000
                then 'time is more than a day in the future'
            when {{ row }}.export_kind = 'events' and {{ row }}.event_properties is null
                then 'event_properties missing'
            when {{ row }}.export_kind = 'events' and {{ row }}.user_properties is not null
                then 'user_properties on a touch event'
            when {{ row }}.export_kind = 'identifies' and {{ row }}.user_properties is null
                then 'identify without user_properties'
        end,
        {{ amplitude_id_problem(row ~ '.user_id', 'user_id') }},
        {{ amplitude_id_problem(row ~ '.device_id', 'device_id') }},
        {{ amplitude_json_problem(row ~ '.event_properties', 'event_properties', 'plain') }},
        {{ amplitude_json_problem(
            row ~ '.user_properties', 'user_properties',
            'operations' if identify_event_type == '$identify' else 'plain'
        ) }}
    )
{%- endmacro %}
