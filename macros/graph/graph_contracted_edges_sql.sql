{% macro graph_contracted_edges_sql(edges_relation, labels_relation) %}
    {{ return(adapter.dispatch('graph_contracted_edges_sql')(edges_relation, labels_relation)) }}
{% endmacro %}

{% macro default__graph_contracted_edges_sql(edges_relation, labels_relation) %}
{#- Relabel both ends to their representatives and drop the self-loops
    this creates: components that contracted to a single node leave the
    edge set here, which sets them aside for the following rounds. -#}
select distinct
    least(labels_a.representative_id, labels_b.representative_id)
        as node_a,
    greatest(labels_a.representative_id, labels_b.representative_id)
        as node_b
from {{ edges_relation }} as edges
inner join {{ labels_relation }} as labels_a
    on edges.node_a = labels_a.node_id
inner join {{ labels_relation }} as labels_b
    on edges.node_b = labels_b.node_id
where labels_a.representative_id <> labels_b.representative_id
{%- endmacro %}
