{% macro spark__string_agg_distinct(expr, separator) -%}
    array_join(array_sort(collect_set({{ expr }})), {{ separator }})
{%- endmacro %}
