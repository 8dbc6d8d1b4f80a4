{# INTERIM (Spark only, until the portable connected_components
   materialization is merged): node_id, component_id (the smallest node id of
   its component) of an edge relation (node_a, node_b), by min-label
   propagation unrolled in Jinja. Spark's WITH RECURSIVE takes only UNION ALL
   and never ends on a cyclic graph, hence the fixed number of rounds.

   Each round reads the previous round once: Spark inlines CTEs, so a round
   that read it twice would double the plan every round. Edges both ways plus
   a self-loop per node let one join carry a node's own label too. One more
   round is computed and the query fails (assert_true) unless it changed
   nothing, so a graph deeper than var identity__spark_graph_rounds stops the
   build instead of splitting a person. #}
{% macro spark_connected_components(edges_relation) -%}
    {%- set rounds = var('identity__spark_graph_rounds', 12) | int -%}
with

edges as (

    select node_a as node_id, node_b as neighbor_id from {{ edges_relation }}
    union all
    select node_b, node_a from {{ edges_relation }}
    union all
    select node_a, node_a from {{ edges_relation }}
    union all
    select node_b, node_b from {{ edges_relation }}

),

labels_0 as (

    select node_id, min(neighbor_id) as label
    from edges
    group by 1

),
{% for round in range(1, rounds + 2) %}
labels_{{ round }} as (

    select
        edges.node_id,
        min(previous.label) as label,
        min(case when edges.neighbor_id = edges.node_id then previous.label end) as previous_label

    from edges
    inner join labels_{{ round - 1 }} as previous
        on edges.neighbor_id = previous.node_id
    group by 1

),
{% endfor %}
final as (

    select
        node_id,
        label as component_id,
        assert_true(
            label = previous_label,
            'connected components did not converge in {{ rounds }} rounds: raise var identity__spark_graph_rounds'
        ) as converged

    from labels_{{ rounds + 1 }}

)

select node_id, component_id
from final
where converged is null  -- keeps the check in the plan: assert_true returns null or fails
{%- endmacro %}
