{{ config(enabled=target.type == 'spark', materialized='table') }}
{# Spark has no Python models (session, thrift): the Python loader's rows,
   written to Parquet by scripts/spark_load_raw.py, read as they are. #}
select * from {{ spark_loaded_rows('base_offline__touch_rows') }}
