{% macro graph_distinct_edges_sql(input_relation) %}
    {{ return(adapter.dispatch('graph_distinct_edges_sql')(input_relation)) }}
{% endmacro %}

{% macro default__graph_distinct_edges_sql(input_relation) %}
{#- One row per undirected edge, smaller id first, self-loops dropped. -#}
select distinct
    least(node_a, node_b) as node_a,
    greatest(node_a, node_b) as node_b
from {{ input_relation }}
where node_a <> node_b
{%- endmacro %}
