{# One row per build recorded in rpt_runs: what it changed against the
   build before it. Persons merged or re-anchored (identity_id_history),
   links of a device_id to a user_id exported (export_amplitude__identifies),
   links refused for the first time (rpt_refusals_first_seen), and the
   change of the headline counts. Every source stamps the run's start time,
   so rows of one run share it. A view. #}
{{ config(materialized='view') }}
with

runs as (

    select * from {{ ref('rpt_runs') }}

),

retirements as (

    select
        retired_at as run_started_at,
        count(case when reason like 'merged%' then 1 end) as merged_count,
        count(case when reason like 'reanchored%' then 1 end)
            as reanchored_count

    from {{ ref('identity_id_history') }}
    group by 1

),

links as (

    select
        update_time_column as run_started_at,
        count(*) as new_link_count

    from {{ ref('export_amplitude__identifies') }}
    group by 1

),

refusals as (

    select
        first_refused_at as run_started_at,
        count(*) as new_refusal_count

    from {{ ref('rpt_refusals_first_seen') }}
    group by 1

),

compared as (

    select
        runs.*,
        lag(runs.person_count) over (order by runs.run_started_at)
            as previous_person_count,
        lag(runs.linked_lead_count) over (order by runs.run_started_at)
            as previous_linked_lead_count,
        lag(runs.refused_link_count) over (order by runs.run_started_at)
            as previous_refused_link_count

    from runs

),

final as (

    select
        ---------- ids
        compared.invocation_id,

        ---------- numerics
        compared.person_count,
        compared.person_count
        - coalesce(compared.previous_person_count, 0) as person_count_change,
        compared.linked_lead_count,
        compared.linked_lead_count
        - coalesce(compared.previous_linked_lead_count, 0)
            as linked_lead_count_change,
        compared.refused_link_count,
        compared.refused_link_count
        - coalesce(compared.previous_refused_link_count, 0)
            as refused_link_count_change,
        coalesce(retirements.merged_count, 0) as merged_person_count,
        coalesce(retirements.reanchored_count, 0) as reanchored_person_count,
        coalesce(links.new_link_count, 0) as new_user_link_count,
        coalesce(refusals.new_refusal_count, 0) as new_refusal_count,

        ---------- timestamps
        compared.run_started_at

    from compared
    left join retirements
        on compared.run_started_at = retirements.run_started_at
    left join links
        on compared.run_started_at = links.run_started_at
    left join refusals
        on compared.run_started_at = refusals.run_started_at

)

select * from final
