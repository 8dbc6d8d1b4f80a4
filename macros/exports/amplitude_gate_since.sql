{#- The marker from which the gate reads event candidates (a SQL timestamp
    literal), or none to read them all. Set only on DuckDB, once events were
    exported, when the gate's last result (`previous`) recorded, with this
    project's fingerprint, the newest int_touches_resolved marker it saw,
    and int_touches_resolved still holds a row at or after it (a rebuild
    with the clock set back would not). -#}
{% macro amplitude_gate_since(previous, events_relation) %}
    {%- if not execute or target.type != 'duckdb' or previous is none or events_relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = incremental_scope_state(previous) -%}
    {%- if state is none or state.get('fingerprint') != project_logic_fingerprint()
        or not state.get('resolved_marker') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set marker = dbt.string_literal(state.get('resolved_marker')) ~ '::timestamp' -%}
    {%- set found = run_query(
        'select coalesce(max(_resolved_at) >= ' ~ marker ~ ', false) from '
        ~ ref('int_touches_resolved')
    ) -%}
    {{ return(marker if found.columns[0].values()[0] else none) }}
{% endmacro %}

{#- Post-hook of int_amplitude__gated (inside its transaction): the newest
    int_touches_resolved marker this run judged, for the next run's
    amplitude_gate_since. -#}
{% macro amplitude_gate_commit() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set found = run_query(
            'select cast(max(_resolved_at) as varchar) from ' ~ ref('int_touches_resolved')
        ) -%}
        {%- set state = {
            'fingerprint': project_logic_fingerprint(),
            'resolved_marker': found.columns[0].values()[0],
        } -%}
        comment on table {{ this }} is {{ dbt.string_literal(tojson(state)) }}
    {%- endif -%}
{% endmacro %}
