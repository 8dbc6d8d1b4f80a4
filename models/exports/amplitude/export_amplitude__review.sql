{# One row per export candidate the merge-safety gate holds back, with the
   reason: nothing reaches Amplitude that could break its rules or merge two
   users for good. Fix the input (or the blocklist) and the next run exports
   the row. The rows the gate's ledger (int_amplitude__gated) held back in
   its last run: on Spark it keeps the held rows of every run. #}
with

gated as (

    select ledger.*
    from {{ ref('int_amplitude__gated') }} as ledger
    where ledger.hold_reason is not null
        and ledger._judged_at = (
            select max(last_run._judged_at)
            from {{ ref('int_amplitude__gated') }} as last_run
        )

),

final as (

    select
        ---------- ids
        insert_id,
        person_id,
        device_id,
        user_id,

        ---------- strings
        export_kind,
        event_type,
        hold_reason,

        ---------- numerics
        time

    from gated

)

select * from final
