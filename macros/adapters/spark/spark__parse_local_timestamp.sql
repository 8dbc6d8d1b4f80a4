{# The strftime formats, as Java datetime patterns, tried in order. One-letter
   fields also accept two digits, as strptime's %d and %H do. #}
{% macro spark__parse_local_timestamp(expr, formats, timezone) -%}
    {%- set java = {
        '%Y': 'yyyy', '%m': 'M', '%d': 'd', '%H': 'H', '%I': 'h', '%M': 'm',
        '%S': 's', '%p': 'a', '%b': 'MMM', '%B': 'MMMM',
    } -%}
    to_utc_timestamp(coalesce(
        {%- for format in formats %}
        {%- set pattern = namespace(text=format) %}
        {%- for strftime_code, java_code in java.items() %}
        {%- set pattern.text = pattern.text | replace(strftime_code, java_code) %}
        {%- endfor %}
        try_to_timestamp({{ expr }}, '{{ pattern.text }}'){{ ', ' if not loop.last }}
        {%- endfor %}
    ), '{{ timezone }}')
{%- endmacro %}
