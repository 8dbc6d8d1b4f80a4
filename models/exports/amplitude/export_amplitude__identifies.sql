{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    contract={'enforced': target.type != 'spark'},
) }}
{# Append-only: a link is exported once, the run it becomes known, and no
   run rewrites it (Amplitude's change-tracking imports break on rebuilt
   tables, and its merges cannot be undone). The rows that pass the gate
   (int_amplitude__gated). #}
{{ amplitude_export_rows('identifies') }}
