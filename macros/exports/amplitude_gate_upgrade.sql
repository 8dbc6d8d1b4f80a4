{#- On run start (before the erasure reads the ledger): a database built
    before the gate kept its ledger (the gate was a table of one run's
    verdicts and read the export relations for what was exported) is
    upgraded once, in place. The gate's table is replaced by a ledger
    holding every row of the two export relations as passed, so that
    nothing they hold is exported again. The only read of the export
    relations by name; a no-op on every later run. -#}
{% macro amplitude_gate_upgrade() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set existing = last_build_relation('int_amplitude__gated') -%}
    {%- if existing is none
        or '_judged_at' in adapter.get_columns_in_relation(existing) | map(attribute='name') | list -%}
        {{ return('') }}
    {%- endif -%}
    {%- set payload = 'insert_id, event_type, user_id, device_id, time, event_properties, user_properties' -%}
    {#- typed like the ledger; empty, for a gate whose exports never ran -#}
    {%- set parts = [
        'select export_kind, ' ~ payload ~ ', person_id, hold_reason,'
        ~ ' cast(null as timestamp) as update_time_column, cast(null as timestamp) as _judged_at'
        ~ ' from ' ~ existing ~ ' where 1 = 0'
    ] -%}
    {%- for kind in ['events', 'identifies'] -%}
        {%- set relation = last_build_relation('export_amplitude__' ~ kind) -%}
        {%- if relation is not none -%}
            {%- do parts.append(
                "select '" ~ kind ~ "', " ~ payload ~ ', null, null,'
                ~ ' update_time_column, update_time_column from ' ~ relation
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do log('int_amplitude__gated: upgrading the gate to its ledger, every exported row counted as passed', info=true) -%}
    {%- set upgraded = existing.incorporate(path={'identifier': existing.identifier ~ '__upgraded'}) -%}
    {%- do adapter.drop_relation(upgraded) -%}
    {%- do run_query(create_table_as(false, upgraded, parts | join('\nunion all\n'))) -%}
    {%- do adapter.drop_relation(existing) -%}
    {%- do adapter.rename_relation(upgraded, existing) -%}
    {#- a hook's own statements are committed, not those it runs while rendered -#}
    {%- do adapter.commit() -%}
    {{ return('') }}
{% endmacro %}
