{% macro graph_node_check_sql(input_relation, max_node_id) %}
    {{ return(adapter.dispatch('graph_node_check_sql')(input_relation, max_node_id)) }}
{% endmacro %}

{% macro default__graph_node_check_sql(input_relation, max_node_id) %}
select
    count(*) as edge_rows,
    coalesce(sum(
        case
            when node_a is null or node_b is null then 1
            else 0
        end
    ), 0) as null_rows,
    coalesce(sum(
        case
            when node_a < 0 or node_b < 0 then 1
            when node_a > {{ max_node_id }} or node_b > {{ max_node_id }} then 1
            else 0
        end
    ), 0) as out_of_range_rows,
    min(least(node_a, node_b)) as min_node_id,
    max(greatest(node_a, node_b)) as max_node_id
from {{ input_relation }}
{%- endmacro %}
