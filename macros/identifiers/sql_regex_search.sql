{#- True when pattern matches anywhere in expr (anchor it with ^/$ as needed). -#}
{% macro sql_regex_search(expr, pattern) %}
    {{ return(adapter.dispatch('sql_regex_search')(expr, pattern)) }}
{% endmacro %}

{% macro default__sql_regex_search(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__sql_regex_search(expr, pattern) -%}
    (({{ expr }}) rlike ({{ pattern }}))
{%- endmacro %}
