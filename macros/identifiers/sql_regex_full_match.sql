{#- True when pattern (a SQL string expression) matches all of expr. -#}
{% macro sql_regex_full_match(expr, pattern) %}
    {{ return(adapter.dispatch('sql_regex_full_match')(expr, pattern)) }}
{% endmacro %}

{% macro default__sql_regex_full_match(expr, pattern) -%}
    {{ sql_regex_search(expr, "'^(?:' || " ~ pattern ~ " || ')$'") }}
{%- endmacro %}

{% macro duckdb__sql_regex_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, {{ pattern }})
{%- endmacro %}
