{#- What the gate reads of the event candidates, or none to read them all:
    {'marker': a SQL timestamp literal}. Set only on DuckDB, when the gate's
    ledger (`previous`) recorded, with this project's fingerprint, the newest
    int_touches_resolved marker its last run saw, and int_touches_resolved
    still holds a row at or after it (a rebuild with the clock set back would
    not). Every other touch was judged by an earlier run: passed then (it is
    in the ledger) or held (the ledger holds the last run's held rows).
    None too after an erasure (the tombstones grew): the held rows of an
    erased person must not be carried, so every candidate is judged. -#}
{% macro amplitude_gate_since(previous) %}
    {%- if not execute or target.type != 'duckdb' or previous is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = incremental_scope_state(previous) -%}
    {%- if state is none
        or state.get('fingerprint') != project_logic_fingerprint()
        or state.get('tombstones') != amplitude_gate_tombstones() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set marker = reached_write_mark(
        ref('int_touches_resolved'), '_resolved_at', state.get('resolved_marker')
    ) -%}
    {%- if marker is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'marker': marker}) }}
{% endmacro %}

{#- Post-hook of int_amplitude__gated (inside its transaction). On DuckDB:
    drops the held rows of earlier runs (this run judged them again), and
    records for the next run's amplitude_gate_since the newest
    int_touches_resolved marker this run judged and the run's start (read
    by `make run`'s summary). On Spark, whose tables take no delete, held
    rows of every run stay; the review reads the last run's. -#}
{% macro amplitude_gate_commit() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set found = run_query(
            'select cast(max(_resolved_at) as varchar) from ' ~ ref('int_touches_resolved')
        ) -%}
        {%- set state = {
            'fingerprint': project_logic_fingerprint(),
            'resolved_marker': found.columns[0].values()[0],
            'run_started_at': run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f'),
            'tombstones': amplitude_gate_tombstones(),
        } -%}
        delete from {{ this }}
        where hold_reason is not null
            and _judged_at < {{ amplitude_update_time() }};
        comment on table {{ this }} is {{ dbt.string_literal(tojson(state)) }}
    {%- endif -%}
{% endmacro %}

{#- How many erased identifiers the tombstones hold (DuckDB: the privacy
    models are not built on Spark). -#}
{% macro amplitude_gate_tombstones() %}
    {%- set tombstones = load_relation(ref('privacy_erasure_tombstones')) -%}
    {%- if tombstones is none -%}
        {{ return(0) }}
    {%- endif -%}
    {{ return(run_query('select count(*) from ' ~ tombstones).columns[0].values()[0] | int) }}
{% endmacro %}
