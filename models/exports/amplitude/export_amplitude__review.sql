{# One row per export candidate the merge-safety gate holds back, with the
   reason: nothing reaches Amplitude that could break its rules or merge two
   users for good. Fix the input (or the blocklist) and the next run exports
   the row. The rows int_amplitude__gated holds back. #}
with

gated as (

    select * from {{ ref('int_amplitude__gated') }}
    where hold_reason is not null

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
