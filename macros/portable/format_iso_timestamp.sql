{# A UTC timestamp as ISO-8601 text to the second with a `Z`
   (2026-03-10T15:04:05Z). #}
{% macro format_iso_timestamp(expr) -%}
    {{ return(adapter.dispatch('format_iso_timestamp', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__format_iso_timestamp(expr) -%}
    strftime({{ expr }}, '%Y-%m-%dT%H:%M:%SZ')
{%- endmacro %}
