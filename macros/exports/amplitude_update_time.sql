{# The load time stamped on every row a run exports: Amplitude's
   Timestamp import reads rows whose update_time_column is newer than the
   last it saw, so it must never go backwards. #}
{% macro amplitude_update_time() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
