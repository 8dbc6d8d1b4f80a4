{# The JSON object `target` with the keys of the object `patch` set (patch
   wins), as a JSON column. Both arguments are JSON values (as_json or
   json_object_without_nulls). #}
{% macro json_merge_patch(target, patch) -%}
    {{ return(adapter.dispatch('json_merge_patch', 'identity_stitching')(target, patch)) }}
{%- endmacro %}

{% macro default__json_merge_patch(target, patch) -%}
    cast(json_merge_patch({{ target }}, {{ patch }}) as json)
{%- endmacro %}
