{# Spark's cast reads ISO-8601 with `T` or a space, with `Z` or an offset;
   text without one is read in the session time zone, UTC in profiles.yml. #}
{% macro spark__parse_iso_timestamp(expr) -%}
    try_cast({{ expr }} as timestamp)
{%- endmacro %}
