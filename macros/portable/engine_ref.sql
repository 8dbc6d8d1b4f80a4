{# The rows of a base loader (a registered source's base_model). The loaders
   are Python models, which run on DuckDB only; on Spark the same loaders
   write Parquet first (scripts/spark_load_raw.py) and this reads it.
   Erasure hook (docs/erasure.md): on DuckDB every reader of a loaded table
   is ordered after privacy_erasure_sweep, which removes the rows of erased
   persons from it; only the staging lookups, which the sweep reads to
   recognize erased values, read before it (before_erasure=true). #}
{% macro engine_ref(model_name, before_erasure=false) -%}
    {%- if target.type == 'spark' -%}
        {{ return(spark_loaded_rows(model_name)) }}
    {%- else -%}
        {#- at parse time only: that is when dbt records dependencies,
            and the incremental macros call this at run time for the
            lookups too -#}
        {%- if not before_erasure and not execute -%}
            {%- do ref('privacy_erasure_sweep') -%}
        {%- endif -%}
        {{ return(ref(model_name)) }}
    {%- endif -%}
{%- endmacro %}
