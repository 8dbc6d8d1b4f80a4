{# ISO-8601 text with an offset (or `Z`) as a UTC timestamp; null when it
   does not parse. Text without an offset is taken as UTC. #}
{% macro parse_iso_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_iso_timestamp', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_iso_timestamp(expr) -%}
    (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}
