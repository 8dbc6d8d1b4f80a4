{#- What the gate reads of the event candidates, or none to read them all:
    {'marker': a SQL timestamp literal, 'held_only': bool}. Set only on
    DuckDB, once events were exported, when the gate's last result
    (`previous`) recorded, with this project's fingerprint, the newest
    int_touches_resolved marker it saw, and int_touches_resolved still holds
    a row at or after it (a rebuild with the clock set back would not).
    `held_only`: the events export appended what that run passed (it passed
    none, or the export holds rows stamped with that run's start), so only
    its held rows are still pending; else all its rows are carried and the
    anti-join against the export drops those appended since. -#}
{% macro amplitude_gate_since(previous, events_relation) %}
    {%- if not execute or target.type != 'duckdb' or previous is none or events_relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = incremental_scope_state(previous) -%}
    {%- if state is none or state.get('fingerprint') != project_logic_fingerprint() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set marker = reached_write_mark(
        ref('int_touches_resolved'), '_resolved_at', state.get('resolved_marker')
    ) -%}
    {%- if marker is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set held_only = state.get('passed_events') == 0 -%}
    {%- if not held_only and state.get('run_started_at') -%}
        {%- set appended = run_query(
            'select count(*) > 0 from ' ~ events_relation ~ ' where update_time_column = '
            ~ dbt.string_literal(state.get('run_started_at')) ~ '::timestamp'
        ) -%}
        {%- set held_only = appended.columns[0].values()[0] -%}
    {%- endif -%}
    {{ return({'marker': marker, 'held_only': held_only}) }}
{% endmacro %}

{#- Post-hook of int_amplitude__gated (inside its transaction), for the next
    run's amplitude_gate_since: the newest int_touches_resolved marker this
    run judged, how many events it passed, and the run's start (the
    update_time_column the exports stamp on what they append). -#}
{% macro amplitude_gate_commit() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set found = run_query(
            'select (select cast(max(_resolved_at) as varchar) from ' ~ ref('int_touches_resolved') ~ '), '
            ~ "(select count(*) from " ~ this ~ " where export_kind = 'events' and hold_reason is null)"
        ) -%}
        {%- set state = {
            'fingerprint': project_logic_fingerprint(),
            'resolved_marker': found.columns[0].values()[0],
            'passed_events': found.columns[1].values()[0] | int,
            'run_started_at': run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f'),
        } -%}
        comment on table {{ this }} is {{ dbt.string_literal(tojson(state)) }}
    {%- endif -%}
{% endmacro %}
