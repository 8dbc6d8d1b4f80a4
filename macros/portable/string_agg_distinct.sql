{# The distinct non-null values of a group, sorted, joined by `separator`. #}
{% macro string_agg_distinct(expr, separator) -%}
    {{ return(adapter.dispatch('string_agg_distinct', 'identity_stitching')(expr, separator)) }}
{%- endmacro %}

{% macro default__string_agg_distinct(expr, separator) -%}
    string_agg(distinct {{ expr }}, {{ separator }} order by {{ expr }})
{%- endmacro %}
