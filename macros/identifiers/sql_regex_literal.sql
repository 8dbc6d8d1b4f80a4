{#- Render a regular expression as a SQL string literal for the target. -#}
{% macro sql_regex_literal(pattern) %}
    {{ return(adapter.dispatch('sql_regex_literal')(pattern)) }}
{% endmacro %}

{% macro default__sql_regex_literal(pattern) -%}
    '{{ pattern | replace("'", "''") }}'
{%- endmacro %}

{#- Spark unescapes backslashes in string literals, so double them. -#}
{% macro spark__sql_regex_literal(pattern) -%}
    '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
