{#- The text of capture group `group` (0 = whole match) of the first match, '' if none. -#}
{% macro sql_regex_extract(expr, pattern, group=0) %}
    {{ return(adapter.dispatch('sql_regex_extract')(expr, pattern, group)) }}
{% endmacro %}

{% macro default__sql_regex_extract(expr, pattern, group=0) -%}
    coalesce(regexp_extract({{ expr }}, {{ pattern }}, {{ group }}), '')
{%- endmacro %}
