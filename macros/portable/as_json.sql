{# JSON text (or a JSON column) read as a JSON value, so that
   json_object_without_nulls and json_merge_patch embed it as an object
   rather than as a quoted string. #}
{% macro as_json(expr) -%}
    {{ return(adapter.dispatch('as_json', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__as_json(expr) -%}
    cast({{ expr }} as json)
{%- endmacro %}
