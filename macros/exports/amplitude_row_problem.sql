{# Why an export row breaks Amplitude's per-row rules (§8 of the contract),
   or null when it is fine. Link conflicts are judged by the caller, who
   knows what was exported before. #}
{% macro amplitude_row_problem(row) -%}
    coalesce(
        case
            when {{ row }}.event_type is null or trim({{ row }}.event_type) = ''
                then 'event_type is empty'
            when {{ row }}.event_type like '[Amplitude]%'
                then 'event_type is reserved by Amplitude'
            when {{ row }}.user_id is null and {{ row }}.device_id is null
                then 'neither user_id nor device_id'
            when {{ row }}.time is null then 'time is missing'
            when {{ row }}.time < {{ var('identity__min_event_time_ms') }}
                then 'time is before ' || {{ var('identity__min_event_time_ms') }} || ' ms'
            when {{ row }}.time > {{ to_epoch_ms(dbt.current_timestamp()) }} + 86400000
                then 'time is more than a day in the future'
        end,
        {{ amplitude_id_problem(row ~ '.user_id', 'user_id') }},
        {{ amplitude_id_problem(row ~ '.device_id', 'device_id') }}
    )
{%- endmacro %}
