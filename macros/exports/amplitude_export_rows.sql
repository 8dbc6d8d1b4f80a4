{# The rows of one export relation ('events' or 'identifies') the gate's
   ledger passed and the relation does not hold yet, in the export
   contract's columns: this run's, with this run's load time, and adopted
   rows, with their file's. A run appends in one statement, so every passed
   row not yet appended was judged after the newest load time the relation
   holds (a run whose append failed after the gate is caught up by the
   next one); of those, adopted rows an earlier append took (with an older
   load time) are left out. #}
{% macro amplitude_export_rows(export_kind) -%}
{#- Literals, so that both scans skip older row groups: the newest load
    time the relation holds, and the oldest load time among the ledger's
    rows judged after it (a row already appended holds the same). -#}
{%- set newest, oldest_pending = none, none -%}
{%- if is_incremental() and execute -%}
    {%- set newest = run_query(
        'select cast(max(update_time_column) as ' ~ dbt.type_string() ~ ') from ' ~ this
    ).columns[0].values()[0] -%}
{%- endif -%}
{%- if newest is not none -%}
    {%- set oldest_pending = run_query(
        'select cast(min(update_time_column) as ' ~ dbt.type_string() ~ ') from '
        ~ ref('int_amplitude__gated') ~ " where export_kind = '" ~ export_kind ~ "'"
        ~ " and hold_reason is null and _judged_at > cast('" ~ newest ~ "' as timestamp)"
    ).columns[0].values()[0] -%}
{%- endif %}
with

passed as (

    select gated.*
    from {{ ref('int_amplitude__gated') }} as gated
    where gated.export_kind = '{{ export_kind }}'
        and gated.hold_reason is null
    {%- if newest is not none %}
        and gated._judged_at > cast('{{ newest }}' as timestamp)
    {%- endif %}
    {%- if oldest_pending is not none %}
        and not exists (
            select 1
            from {{ this }} as exported
            where exported.update_time_column >= cast('{{ oldest_pending }}' as timestamp)
                and exported.update_time_column = gated.update_time_column
                and exported.insert_id = gated.insert_id
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
