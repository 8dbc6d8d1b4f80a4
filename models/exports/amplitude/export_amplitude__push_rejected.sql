{# One row per export row Amplitude rejected when the push sent it (a 400
   naming the event, or an event too large for any request), with
   Amplitude's reason: a final answer, so the push does not send the row
   again (docs/push.md). The ledger is the push's table, declared as the
   source amplitude_push.push_ledger; the pre-hook creates it empty before
   the first push. #}
{{ config(
    materialized='view',
    pre_hook="{{ create_amplitude_push_ledger() }}",
) }}

with

ledger as (

    select * from {{ source('amplitude_push', 'push_ledger') }}
    where outcome = 'rejected'

),

exported as (

    select
        'events' as export_kind,
        insert_id,
        event_type,
        device_id,
        user_id,
        time
    from {{ ref('export_amplitude__events') }}
    union all
    select
        'identifies' as export_kind,
        insert_id,
        event_type,
        device_id,
        user_id,
        time
    from {{ ref('export_amplitude__identifies') }}

),

final as (

    select
        ---------- ids
        ledger.insert_id,
        exported.device_id,
        exported.user_id,

        ---------- strings
        ledger.export_kind,
        exported.event_type,
        ledger.reject_reason,

        ---------- numerics
        ledger.response_code,
        ledger.attempts,
        exported.time,

        ---------- booleans
        ledger.is_adopted,

        ---------- timestamps
        ledger.first_sent_at,
        ledger.answered_at

    from ledger
    left join exported
        on ledger.export_kind = exported.export_kind
        and ledger.insert_id = exported.insert_id

)

select * from final
