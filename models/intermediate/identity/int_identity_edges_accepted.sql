{# One row per edge that may link: the judged edges without a refusal. #}
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
