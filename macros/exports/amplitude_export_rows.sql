{# The rows of one export relation ('events' or 'identifies') that pass the
   merge-safety gate this run, in the export contract's columns, stamped
   with this run's load time; and, on DuckDB, the rows of export files this
   database did not record, with their own load time. #}
{% macro amplitude_export_rows(export_kind) -%}
{%- set payload_columns = [
    'insert_id', 'event_type', 'user_id', 'device_id', 'time',
    'event_properties', 'user_properties',
] -%}
with

gated as (

    select * from {{ ref('int_amplitude__gated') }}

),

final as (

    select
        {{ payload_columns | join(',\n        ') }},
        {{ amplitude_update_time() }} as update_time_column

    from gated
    where export_kind = '{{ export_kind }}'
        and hold_reason is null
    {%- if target.type != 'spark' %}

    union all

    {#- rows of export files this database did not record, with their
        file's load time (int_amplitude__adopted_rows) #}
    select
        {{ payload_columns | join(',\n        ') }},
        update_time_column

    from {{ ref('int_amplitude__adopted_rows') }}
    where export_kind = '{{ export_kind }}'
    {%- endif %}

)

select * from final
{%- endmacro %}
