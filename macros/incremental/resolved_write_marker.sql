{#- A SQL expression: the _resolved_at of the rows this run writes to
    int_touches_resolved. The run's start time, and in an append always
    later than every marker already in the table, even with the clock set
    back, so "written since the gate's last run" is never missed. -#}
{% macro resolved_write_marker(scope) %}
    {%- set started = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')
        ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- if scope.mode == 'append' -%}
        greatest(
            {{ started }},
            (select max(_resolved_at) from {{ this }}) + interval '1 microsecond'
        )
    {%- else -%}
        {{ started }}
    {%- endif -%}
{% endmacro %}
