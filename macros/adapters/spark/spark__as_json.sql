{# A VARIANT, so that to_json embeds it as JSON; parse_json fails on text
   that is not JSON, like DuckDB's cast to json. #}
{% macro spark__as_json(expr) -%}
    parse_json({{ expr }})
{%- endmacro %}
