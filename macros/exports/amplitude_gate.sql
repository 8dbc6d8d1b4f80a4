{# The merge-safety gate: every export candidate not yet exported in its own
   relation, with the reason it must be held back (null = export it).
   Replays Amplitude's rules against everything already exported:
   - the per-row rules (amplitude_row_problem);
   - an insert_id already exported in the other relation, or twice in the run;
   - a device_id already exported with another user_id (identifies and
     events carrying a user_id both link), or given two user_ids by the rows
     of this run (both kinds; rows failing a per-row rule do not count).
   `previous`: the gate's ledger as earlier runs left it (its passed rows are
   what was exported), or none before the first run. Evaluated once per run
   by int_amplitude__gated, which both exports and the review read.
   `since` (from amplitude_gate_since): when set, the event candidates are
   only the touches int_touches_resolved wrote after since.marker, plus the
   events the last run held back: every other touch was judged by an earlier
   run and exported then, or was no candidate and has not changed.
   `adopted`: int_amplitude__adopted_rows when it holds rows (files of the
   export folder this database did not record), else none; its rows the
   ledger does not hold count as exported, and are added to it as passed,
   with their file's load time. #}
{% macro amplitude_gate(previous=none, since=none, adopted=none) -%}
{#- The candidates not yet exported in their own relation, as a subquery
    each reader inlines: DuckDB then reads only the columns a reader uses.
    A CTE read twice is materialized whole, every candidate's properties
    held in memory at once (it spilled at 10M rows). Once something was
    exported, the anti-join against it runs once, on narrow keys
    (pending_keys), and each reader keeps the candidates those keys name. -#}
{%- set has_exports = previous is not none or adopted is not none -%}
{%- set wide = 'insert_id, event_type, user_id, device_id, time, event_properties, user_properties, person_id' -%}
{%- set event_candidates = {} -%}
{%- for width, columns in [('wide', wide), ('narrow', 'insert_id')] -%}
    {%- set sql -%}
        {%- if since is none -%}
            select 'events' as export_kind, {{ columns }}
            from {{ ref('int_amplitude__event_candidates') }}
        {%- else -%}
            {#- the marker filter skips whole row groups: appends add new ones -#}
            select 'events' as export_kind, {{ columns }}
            from {{ ref('int_amplitude__event_candidates') }}
            where _resolved_at > {{ since.marker }}
            union all
            select 'events' as export_kind, {{ columns }}
            from {{ previous }} as carried
            where carried.export_kind = 'events'
                and carried.hold_reason is not null
                and carried.insert_id not in (
                    select insert_id
                    from {{ ref('int_amplitude__event_candidates') }}
                    where _resolved_at > {{ since.marker }}
                )
        {%- endif -%}
    {%- endset -%}
    {%- do event_candidates.update({width: sql}) -%}
{%- endfor -%}
{%- set pending -%}
    (
        select candidates.*
        from (
            {{ event_candidates['wide'] }}
            union all
            select 'identifies' as export_kind, {{ wide }}
            from {{ ref('int_amplitude__identify_candidates') }}
        ) as candidates
        {%- if has_exports %}
        where exists (
            select 1
            from pending_keys
            where pending_keys.export_kind = candidates.export_kind
                and pending_keys.insert_id is not distinct from candidates.insert_id
        )
        {%- endif %}
    )
{%- endset -%}
{#- Everything exported so far, as a subquery with the given columns. -#}
{%- set exported_all = {} -%}
{%- for width, columns in [('narrow', 'insert_id'), ('wide', 'insert_id, user_id, device_id')] -%}
    {%- set sql -%}
        (
            {% if previous is not none -%}
            select export_kind, {{ columns }} from {{ previous }}
            where hold_reason is null
            union all
            {% endif -%}
            {% if adopted is not none -%}
            select export_kind, {{ columns }} from adopted_new
            union all
            {% endif -%}
            select
                cast(null as {{ dbt.type_string() }}) as export_kind
                {%- for column in columns.split(', ') %},
                cast(null as {{ dbt.type_string() }}) as {{ column }}
                {%- endfor %}
            where 1 = 0
        )
    {%- endset -%}
    {%- do exported_all.update({width: sql}) -%}
{%- endfor -%}
with
{% if adopted is not none %}
{#- the adopted rows the ledger does not hold yet (few, usually none) -#}
adopted_new as (

    select adopted.*
    from {{ adopted }} as adopted
    {%- if previous is not none %}
    where not exists (
        select 1
        from {{ previous }} as exported
        where exported.hold_reason is null
            and exported.export_kind = adopted.export_kind
            and exported.insert_id = adopted.insert_id
    )
    {%- endif %}

),
{% endif %}
{% if has_exports %}
pending_keys as (

    select
        candidates.export_kind,
        candidates.insert_id

    from (
        {{ event_candidates['narrow'] }}
        union all
        select 'identifies' as export_kind, insert_id
        from {{ ref('int_amplitude__identify_candidates') }}
    ) as candidates
    where not exists (
        select 1
        from {{ exported_all['narrow'] }} as exported
        where exported.export_kind = candidates.export_kind
            and exported.insert_id = candidates.insert_id
    )

),
{% endif %}
{#- The exported rows the checks below can meet: those sharing an insert_id
    or a device_id with a pending row (none before the first export: the
    filter would then read every candidate again). Filtering the export by the few
    pending keys streams it; checking against all of it held every
    exported key in memory. -#}
exported as (

    select *
    from {{ exported_all['wide'] }} as exported
    {%- if has_exports %}
    where exported.insert_id in (select pending.insert_id from {{ pending }} as pending)
        or exported.device_id in (
            select pending.device_id
            from {{ pending }} as pending
            where pending.device_id is not null
        )
    {%- endif %}

),

reused_insert_ids as (

    select insert_id
    from {{ pending }} as pending
    group by insert_id
    having count(*) > 1

),

{#- links only rows that pass the per-row rules can make (the rule is
    evaluated again on these few rows rather than keeping every row's
    verdict) -#}
valid_links as (

    select distinct
        pending.device_id,
        pending.user_id

    from {{ pending }} as pending
    where pending.device_id is not null
        and pending.user_id is not null
        and {{ amplitude_row_problem('pending') }} is null

),

row_checked as (

    select
        pending.*,
        {{ amplitude_row_problem('pending') }} as row_problem,
        reused_insert_ids.insert_id is not null as is_insert_id_reused

    from {{ pending }} as pending
    left join reused_insert_ids
        on pending.insert_id = reused_insert_ids.insert_id

),

final as (

    select
        row_checked.export_kind,
        row_checked.insert_id,
        row_checked.event_type,
        row_checked.user_id,
        row_checked.device_id,
        row_checked.time,
        row_checked.event_properties,
        row_checked.user_properties,
        row_checked.person_id,
        coalesce(
            row_checked.row_problem,
            case
                when row_checked.is_insert_id_reused then 'insert_id used by two rows of this run'
                when exists (
                    select 1 from exported where exported.insert_id = row_checked.insert_id
                ) then 'insert_id already exported in the other relation'
            end,
            case
                when row_checked.user_id is null or row_checked.device_id is null then null
                when exists (
                    select 1
                    from exported
                    where exported.device_id = row_checked.device_id
                        and exported.user_id is not null
                        and exported.user_id <> row_checked.user_id
                ) then 'device_id already exported with another user_id'
                when exists (
                    select 1
                    from valid_links
                    where valid_links.device_id = row_checked.device_id
                        and valid_links.user_id <> row_checked.user_id
                ) then 'device_id would be linked to two user_ids in this run'
            end
        ) as hold_reason,
        {{ amplitude_update_time() }} as update_time_column,
        {{ amplitude_update_time() }} as _judged_at

    from row_checked
    {%- if adopted is not none %}

    union all

    select
        export_kind,
        insert_id,
        event_type,
        user_id,
        device_id,
        time,
        event_properties,
        user_properties,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as hold_reason,
        update_time_column,
        {{ amplitude_update_time() }} as _judged_at

    from adopted_new
    {%- endif %}

)

select * from final
{%- endmacro %}
