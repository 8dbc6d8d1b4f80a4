{# A vendor's wall-clock text (no offset) in the given formats, read in
   `timezone` and returned as a UTC timestamp; null when it does not parse. #}
{% macro parse_local_timestamp(expr, formats, timezone) -%}
    {{ return(adapter.dispatch('parse_local_timestamp', 'identity_stitching')(expr, formats, timezone)) }}
{%- endmacro %}

{% macro duckdb__parse_local_timestamp(expr, formats, timezone) -%}
    ((try_strptime({{ expr }}, [
        {%- for format in formats %}'{{ format }}'{{ ', ' if not loop.last }}{% endfor -%}
    ]) at time zone '{{ timezone }}') at time zone 'UTC')
{%- endmacro %}
