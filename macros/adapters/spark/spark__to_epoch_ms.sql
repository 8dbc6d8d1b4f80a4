{% macro spark__to_epoch_ms(expr) -%}
    unix_millis({{ expr }})
{%- endmacro %}
