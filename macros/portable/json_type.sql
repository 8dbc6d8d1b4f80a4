{# The column type of a JSON value: `json` on DuckDB, a string on Spark
   (no JSON type there; the text is the JSON). #}
{% macro json_type() -%}
    {{ return(adapter.dispatch('json_type', 'identity_stitching')()) }}
{%- endmacro %}

{% macro default__json_type() -%}
    json
{%- endmacro %}
