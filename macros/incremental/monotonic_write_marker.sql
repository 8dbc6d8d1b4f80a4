{#- A SQL expression marking the rows this run writes to an incremental
    model (`column` holds the marks): the run's start, and once the table
    exists always later than every mark already in it, even with the clock
    set back, so a reader's "written since my last run" never misses a row. -#}
{% macro monotonic_write_marker(column) %}
    {%- set started = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')
        ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- if incremental_has_column(column) -%}
        greatest(
            {{ started }},
            (select max({{ column }}) from {{ this }}) + interval '1 microsecond'
        )
    {%- else -%}
        {{ started }}
    {%- endif -%}
{% endmacro %}
