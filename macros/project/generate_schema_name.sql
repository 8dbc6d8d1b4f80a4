{# Custom schemas are used as named (staging, intermediate, reference), so
   analysts find `staging.stg_...` rather than `main_staging.stg_...`. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
