{# The export ledger: every export candidate the merge-safety gate judged,
   with its verdict (hold_reason null = export it). A passed row stays for
   good: it is what the gate judges later candidates against, read here as
   this model's own earlier rows, so no export relation is read. The held
   rows are judged again by the next run; on DuckDB only the last run's are
   kept (amplitude_gate_commit). The two export relations append the passed
   rows, export_amplitude__review lists the held ones. After the first run,
   a run judges only the touches written since the last run and the rows it
   held (amplitude_gate_since). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=['{{ amplitude_gate_commit() }}'],
) }}
{# the marker of the touches written since the last run is read here #}
-- depends_on: {{ ref('int_touches_resolved') }}
{# nothing is exported while a file lost most of its rows (its post-hook) #}
-- depends_on: {{ ref('quarantined_files') }}
{%- set previous = this if is_incremental() else none -%}

{#- rows of export files this database did not record count as exported
    (the export folder is the ledger of last resort; DuckDB only) -#}
{%- set adopted = none -%}
{%- if target.type != 'spark' %}
{# after an erasure every candidate is judged again (amplitude_gate_since) #}
-- depends_on: {{ ref('privacy_erasure_tombstones') }}
-- depends_on: {{ ref('int_amplitude__adopted_rows') }}
{%- set adopted_rows = load_relation(ref('int_amplitude__adopted_rows'))
    if execute else none -%}
{%- if adopted_rows is not none and run_query(
    'select count(*) > 0 from ' ~ adopted_rows
).columns[0].values()[0] -%}
    {%- set adopted = adopted_rows -%}
{%- endif -%}
{%- endif %}

{{ amplitude_gate(previous, amplitude_gate_since(previous), adopted) }}
