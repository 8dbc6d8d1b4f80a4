{# The Parquet folder scripts/spark_load_raw.py wrote for a base model, as a
   Spark relation (`parquet.`path``). The folder comes from var
   identity__spark_raw_path: a local path here, a cloud path on a cluster. #}
{% macro spark_loaded_rows(model_name) -%}
    parquet.`{{ var('identity__spark_raw_path', 'target/spark/raw') }}/{{ model_name }}`
{%- endmacro %}
