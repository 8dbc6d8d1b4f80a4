{# One row per edge that may link: the judged edges without a refusal. A
   view: its one reader, the connected_components materialization, copies
   its input into a work table anyway. #}
{{ config(materialized='view') }}
with

judged as (

    select * from {{ ref('int_identity_edges_judged') }}

),

final as (

    select *
    from judged
    where is_accepted

)

select * from final
