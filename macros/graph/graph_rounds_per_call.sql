{% macro graph_rounds_per_call() %}
    {{ return(adapter.dispatch('graph_rounds_per_call')()) }}
{% endmacro %}

{% macro default__graph_rounds_per_call() %}
    {#- One round per call: on engines with a per-statement cost (Spark
        jobs), speculative rounds on an already empty edge set are waste. -#}
    {{ return(1) }}
{% endmacro %}

{% macro duckdb__graph_rounds_per_call() %}
    {#- Late rounds are tiny; four of them per script saves round trips. -#}
    {{ return(4) }}
{% endmacro %}
