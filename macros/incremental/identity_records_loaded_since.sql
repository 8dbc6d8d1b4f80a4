{#- The body of a CTE listing the graph's records (record_id) an append of
    int_identifiers_unioned rewrote: the touches loaded since the watermark
    of `scope`, and the product users with a row loaded since it. A record
    is listed even when it has no evidence left. -#}
{% macro identity_records_loaded_since(scope) %}
    select touch_id as record_id
    from {{ ref('int_touches_unioned') }}
    where {{ loaded_since_scope(scope) }}

    union all

    select 'user:' || user_id as record_id
    from {{ ref('stg_app__users') }}
    where {{ loaded_since_scope(scope) }}
{% endmacro %}
