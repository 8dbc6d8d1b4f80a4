{#- The body of a CTE listing the touch_ids an append of a touch model
    writes: the rows of `current` (with touch_id, _loaded_at and the
    `compared_columns`) loaded since the last build, missing from the table,
    or whose compared columns differ from the table's. -#}
{% macro touches_to_rewrite(current, scope, compared_columns) %}
    select {{ current }}.touch_id
    from {{ current }}
    left join {{ this }} as previous
        on {{ current }}.touch_id = previous.touch_id
    where {{ loaded_since_scope(scope, current ~ '._loaded_at') }}
        or previous.touch_id is null
        {%- for column in compared_columns %}
        or {{ current }}.{{ column }} is distinct from previous.{{ column }}
        {%- endfor %}
{% endmacro %}
