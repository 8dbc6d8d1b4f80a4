{# One row per export row held back by the merge-safety gate, with the
   reason: nothing reaches Amplitude that could break its rules or merge two
   users. Fix the input (or the allowlist) and the next run exports it. #}
with

event_candidates as (

    select 'events' as export_kind, *
    from {{ ref('int_amplitude__event_candidates') }}

),

identify_candidates as (

    select 'identifies' as export_kind, *
    from {{ ref('int_amplitude__identify_candidates') }}

),

exported as (

    select insert_id, device_id, user_id from {{ ref('export_amplitude__events') }}
    union all
    select insert_id, device_id, user_id from {{ ref('export_amplitude__identifies') }}

),

pending as (

    select candidates.*
    from (
        select * from event_candidates
        union all
        select * from identify_candidates
    ) as candidates
    where candidates.insert_id not in (select insert_id from exported)

),

final as (

    select
        ---------- ids
        pending.insert_id,
        pending.person_id,

        ---------- strings
        pending.export_kind,
        pending.event_type,
        coalesce(
            {{ amplitude_row_problem('pending') }},
            {{ amplitude_link_conflict('pending', 'exported') }},
            'not exported yet: rerun to export'
        ) as hold_reason,

        ---------- numerics
        pending.time

    from pending

)

select * from final
