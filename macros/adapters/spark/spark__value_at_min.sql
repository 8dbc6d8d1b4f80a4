{% macro spark__value_at_min(value, ordered_by) -%}
    min_by({{ value }}, {{ ordered_by }})
{%- endmacro %}
