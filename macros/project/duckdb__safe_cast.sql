{# dbt-core's safe_cast is a plain cast on DuckDB, which fails the query on a
   bad value; try_cast returns null so the row can be quarantined instead. #}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
