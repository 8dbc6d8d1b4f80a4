{% macro graph_input_edges_sql(model_sql) %}
    {{ return(adapter.dispatch('graph_input_edges_sql')(model_sql)) }}
{% endmacro %}

{% macro default__graph_input_edges_sql(model_sql) %}
select
    cast(model_edges.node_a as {{ dbt.type_bigint() }}) as node_a,
    cast(model_edges.node_b as {{ dbt.type_bigint() }}) as node_b
from (
{{ model_sql }}
) as model_edges
{%- endmacro %}
