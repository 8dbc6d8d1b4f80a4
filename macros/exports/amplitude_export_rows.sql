{# The rows of one export relation ('events' or 'identifies') the gate's
   ledger passed and the relation does not hold yet, in the export
   contract's columns: this run's, with this run's load time, and adopted
   rows, with their file's. Every passed row not yet appended was judged at
   or after the newest load time the relation holds, so a run whose append
   failed after the gate is caught up by the next one. #}
{% macro amplitude_export_rows(export_kind) -%}
{#- a literal, so that the scan skips the ledger's older row groups -#}
{%- set newest = none -%}
{%- if is_incremental() and execute -%}
    {%- set newest = run_query(
        'select cast(max(update_time_column) as ' ~ dbt.type_string() ~ ') from ' ~ this
    ).columns[0].values()[0] -%}
{%- endif %}
with

passed as (

    select gated.*
    from {{ ref('int_amplitude__gated') }} as gated
    where gated.export_kind = '{{ export_kind }}'
        and gated.hold_reason is null
    {%- if newest is not none %}
        and gated._judged_at >= cast('{{ newest }}' as timestamp)
    {%- endif %}
    {%- if is_incremental() %}
        and not exists (
            select 1
            from {{ this }} as exported
            where exported.insert_id = gated.insert_id
        )
    {%- endif %}

),

final as (

    select
        insert_id,
        event_type,
        user_id,
        device_id,
        time, -- noqa: RF04
        event_properties,
        user_properties,
        update_time_column

    from passed

)

select * from final
{%- endmacro %}
