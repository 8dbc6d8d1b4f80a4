{# One row per source file and quarantine reason: the raw rows rejected
   and the values dropped from rows that flow on (quarantined_records). A
   view. #}
{{ config(materialized='view') }}
with

quarantined as (

    select
        source_system,
        source_file,
        reason,
        is_row_rejected

    from {{ ref('quarantined_records') }}

),

final as (

    select
        ---------- strings
        source_system,
        source_file,
        reason,

        ---------- numerics
        count(case when is_row_rejected then 1 end) as rejected_row_count,
        count(case when not is_row_rejected then 1 end)
            as dropped_value_count

    from quarantined
    group by 1, 2, 3

)

select * from final
