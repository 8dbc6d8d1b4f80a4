{# One row per export candidate the merge-safety gate holds back, with the
   reason: nothing reaches Amplitude that could break its rules or merge two
   users for good. Fix the input (or the blocklist) and the next run exports
   the row. Judged by the same gate as the exports, after both ran. #}
with

gated as (

    {{ amplitude_gate(ref('export_amplitude__events'), ref('export_amplitude__identifies')) | indent(4) }}

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
        coalesce(hold_reason, 'passes the gate: the next run exports it') as hold_reason,

        ---------- numerics
        time

    from gated

)

select * from final
