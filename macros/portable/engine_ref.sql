{# The rows of a base loader (a registered source's base_model). The loaders
   are Python models, which run on DuckDB only; on Spark the same loaders
   write Parquet first (scripts/spark_load_raw.py) and this reads it. #}
{% macro engine_ref(model_name) -%}
    {%- if target.type == 'spark' -%}
        {{ return(spark_loaded_rows(model_name)) }}
    {%- else -%}
        {{ return(ref(model_name)) }}
    {%- endif -%}
{%- endmacro %}
