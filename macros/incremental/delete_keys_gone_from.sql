{#- Post-hook of an incremental model that writes only the rows it
    recomputes (inside its transaction): delete the rows of its table whose
    `key` no row of the model `model` holds any more. Nothing on a table
    materialization. -#}
{% macro delete_keys_gone_from(model, key) %}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept where not exists (
            select 1 from {{ ref(model) }} as current_rows
            where current_rows.{{ key }} = kept.{{ key }}
        )
    {%- endif -%}
{% endmacro %}
