{# One row per export candidate not yet exported, with the merge-safety
   gate's verdict (hold_reason null = export it). Judged once per run, here,
   against what earlier runs exported; the two export relations append the
   rows that pass and export_amplitude__review lists the rest. The export
   relations are read by name: a ref would be a cycle, and their state
   before this run is exactly what the gate must see. After the first
   export, a run judges only the touches written since the last run and
   what that run left pending (amplitude_gate_since). #}
{{ config(post_hook=['{{ amplitude_gate_commit() }}']) }}
{# the marker of the touches written since the last run is read here #}
-- depends_on: {{ ref('int_touches_resolved') }}
{# nothing is exported while a file lost most of its rows (its post-hook) #}
-- depends_on: {{ ref('quarantined_files') }}
{%- set exported = {} -%}
{%- for name in ['export_amplitude__events', 'export_amplitude__identifies'] -%}
    {%- do exported.update({name: adapter.get_relation(
        database=target.database, schema=target.schema, identifier=name
    ) if execute else none}) -%}
{%- endfor %}

{#- rows of export files this database did not record count as exported
    (the export folder is the ledger; DuckDB only) -#}
{%- set adopted = none -%}
{%- if target.type != 'spark' %}
-- depends_on: {{ ref('int_amplitude__adopted_rows') }}
{%- set adopted_rows = load_relation(ref('int_amplitude__adopted_rows'))
    if execute else none -%}
{%- if adopted_rows is not none and run_query(
    'select count(*) > 0 from ' ~ adopted_rows
).columns[0].values()[0] -%}
    {%- set adopted = adopted_rows -%}
{%- endif -%}
{%- endif %}

{%- set previous = adapter.get_relation(
    database=this.database, schema=this.schema, identifier=this.identifier
) if execute else none %}

{{ amplitude_gate(
    exported['export_amplitude__events'],
    exported['export_amplitude__identifies'],
    previous,
    amplitude_gate_since(previous, exported['export_amplitude__events']),
    adopted,
) }}
