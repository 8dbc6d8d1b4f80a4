{# One row per export candidate not yet exported, with the merge-safety
   gate's verdict (hold_reason null = export it). Judged once per run, here,
   against what earlier runs exported; the two export relations append the
   rows that pass and export_amplitude__review lists the rest. The export
   relations are read by name: a ref would be a cycle, and their state
   before this run is exactly what the gate must see. #}
{%- set exported = {} -%}
{%- for name in ['export_amplitude__events', 'export_amplitude__identifies'] -%}
    {%- do exported.update({name: adapter.get_relation(
        database=target.database, schema=target.schema, identifier=name
    ) if execute else none}) -%}
{%- endfor %}

{{ amplitude_gate(
    exported['export_amplitude__events'],
    exported['export_amplitude__identifies']
) }}
