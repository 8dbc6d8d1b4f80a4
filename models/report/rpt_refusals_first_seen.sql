{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# One row per refused link ever listed in identity_conflicts, with the run
   that first refused it: identity_conflicts holds only the current
   refusals, so "new refusals since the previous run" needs this ledger.
   Append-only and kept on --full-refresh. #}
with

conflicts as (

    select
        conflict_id,
        record_id,
        reason

    from {{ ref('identity_conflicts') }}

),

new_conflicts as (

    select conflicts.*
    from conflicts
    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as recorded
        where recorded.conflict_id = conflicts.conflict_id
    )
    {% endif %}

),

final as (

    select
        ---------- ids
        conflict_id,
        record_id,

        ---------- strings
        reason,

        ---------- timestamps
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as {{ dbt.type_timestamp() }}
        ) as first_refused_at

    from new_conflicts

)

select * from final
