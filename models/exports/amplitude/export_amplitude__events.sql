{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only, like the identifies: each touch is exported once and never
   rewritten, so an event exported before its person became a user stays
   device-only, and one exported after carries the user_id too. The rows
   that pass the gate (int_amplitude__gated). #}
{{ amplitude_export_rows('events') }}
