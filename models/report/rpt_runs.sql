{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# One row per build that reached the report: the graph's headline counts
   after it, so the report can say what a run changed (rpt_run_changes).
   Append-only and kept on --full-refresh, like identity_id_history. The
   counts read the marts once each; at 10M touches that is a few counts of
   tables already built. #}
with

persons as (

    select
        count(*) as person_count,
        count(case when is_user then 1 end) as user_person_count,
        count(case when touch_count > 0 then 1 end) as lead_count,
        count(case when touch_count > 0 and is_user then 1 end)
            as linked_lead_count

    from {{ ref('dim_persons') }}

),

final as (

    select
        ---------- ids
        '{{ invocation_id }}' as invocation_id,

        ---------- numerics
        persons.person_count,
        persons.user_person_count,
        persons.lead_count,
        persons.linked_lead_count,
        (
            select count(*) from {{ ref('int_touches_resolved') }}
        ) as touch_count,
        (
            select count(*) from {{ ref('identity_shared_identifiers') }}
        ) as shared_identifier_count,
        (
            select count(*) from {{ ref('identity_conflicts') }}
        ) as refused_link_count,
        (
            select count(*) from {{ ref('export_amplitude__review') }}
        ) as held_row_count,
        (
            select count(*)
            from {{ ref('quarantined_records') }} as quarantined
            where quarantined.is_row_rejected
        ) as quarantined_row_count,

        ---------- timestamps
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as {{ dbt.type_timestamp() }}
        ) as run_started_at

    from persons

)

select * from final
