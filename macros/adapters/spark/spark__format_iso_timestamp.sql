{% macro spark__format_iso_timestamp(expr) -%}
    date_format({{ expr }}, "yyyy-MM-dd'T'HH:mm:ss'Z'")
{%- endmacro %}
