{# ref() of a model that has a Spark twin: the Python models (loaders, the
   phone parser) run on DuckDB only, and their SQL twins `<name>_spark` take
   their place on Spark. dbt refuses two enabled-at-parse models of one name,
   hence the suffix. #}
{% macro engine_ref(model_name) -%}
    {%- if target.type == 'spark' -%}
        {{ return(ref(model_name ~ '_spark')) }}
    {%- else -%}
        {{ return(ref(model_name)) }}
    {%- endif -%}
{%- endmacro %}
