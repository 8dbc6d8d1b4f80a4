{#-
    Replace matches of pattern in expr. With all_matches=false only the first
    match is replaced on DuckDB; Spark always replaces every match, so use
    all_matches=false only with patterns anchored by ^.
-#}
{% macro sql_regex_replace(expr, pattern, replacement, all_matches=true) %}
    {{ return(adapter.dispatch('sql_regex_replace')(expr, pattern, replacement, all_matches)) }}
{% endmacro %}

{% macro default__sql_regex_replace(expr, pattern, replacement, all_matches=true) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}{% if all_matches %}, 'g'{% endif %})
{%- endmacro %}

{% macro spark__sql_regex_replace(expr, pattern, replacement, all_matches=true) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
