{# dbt-spark's safe_cast is a plain cast, which fails the query on a bad value
   under ANSI mode (Spark 4's default); try_cast returns null instead. #}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
