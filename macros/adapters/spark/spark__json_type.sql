{% macro spark__json_type() -%}
    string
{%- endmacro %}
