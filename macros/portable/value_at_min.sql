{# The `value` of the group's row with the smallest `ordered_by` (one row's
   value when several share it). #}
{% macro value_at_min(value, ordered_by) -%}
    {{ return(adapter.dispatch('value_at_min', 'identity_stitching')(value, ordered_by)) }}
{%- endmacro %}

{% macro default__value_at_min(value, ordered_by) -%}
    arg_min({{ value }}, {{ ordered_by }})
{%- endmacro %}
