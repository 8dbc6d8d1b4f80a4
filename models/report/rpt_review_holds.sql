{# One row per export kind and hold reason: the rows the merge-safety gate
   holds in export_amplitude__review, waiting for the input to be fixed. A
   view. #}
{{ config(materialized='view') }}
with

held as (

    select
        export_kind,
        hold_reason

    from {{ ref('export_amplitude__review') }}

),

final as (

    select
        ---------- strings
        export_kind,
        hold_reason,

        ---------- numerics
        count(*) as held_row_count

    from held
    group by 1, 2

)

select * from final
