{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only: a link is exported once, the run it becomes known, and no
   run rewrites it (Amplitude's change-tracking imports break on rebuilt
   tables, and its merges cannot be undone). Built before the events, so the
   events already exported are read by name (a ref would be a cycle). #}
{%- set events_relation = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='export_amplitude__events'
) if execute else none %}
with

gated as (

    {{ amplitude_gate(events_relation, this if is_incremental() else none) | indent(4) }}

),

final as (

    select
        insert_id,
        event_type,
        user_id,
        device_id,
        time,
        event_properties,
        user_properties,
        {{ amplitude_update_time() }} as update_time_column

    from gated
    where export_kind = 'identifies'
        and hold_reason is null

)

select * from final
