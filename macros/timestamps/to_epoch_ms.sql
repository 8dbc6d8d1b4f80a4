{# Milliseconds since the epoch, as Amplitude's `time` wants them. #}
{% macro to_epoch_ms(expr) -%}
    {{ return(adapter.dispatch('to_epoch_ms', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro duckdb__to_epoch_ms(expr) -%}
    epoch_ms({{ expr }})
{%- endmacro %}
