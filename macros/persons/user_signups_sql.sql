{#- A select of one row per product user: user_id and signed_up_at, the
    earliest created_at of its accepted rows. -#}
{% macro user_signups_sql() %}
    select
        user_id,
        min(created_at) as signed_up_at
    from {{ ref('stg_app__users') }}
    where row_rejection_reason is null
    group by 1
{% endmacro %}
