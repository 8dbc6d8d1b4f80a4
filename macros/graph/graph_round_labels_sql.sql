{% macro graph_round_labels_sql(edges_relation, coefficients) %}
    {{ return(adapter.dispatch('graph_round_labels_sql')(edges_relation, coefficients)) }}
{% endmacro %}

{% macro default__graph_round_labels_sql(edges_relation, coefficients) %}
{#- Every node of the round's edges picks the member of its closed
    neighbourhood with the smallest h; h is a bijection, so the winner is
    recovered by inverting h instead of an arg-min. -#}
with

directed_edges as (

    select
        node_a as node_id,
        node_b as neighbour_id
    from {{ edges_relation }}

    union all

    select
        node_b as node_id,
        node_a as neighbour_id
    from {{ edges_relation }}

),

neighbour_minimums as (

    select
        node_id,
        min({{ graph_hash_sql('neighbour_id', coefficients) }})
            as neighbour_hash
    from directed_edges
    group by node_id

),

final as (

    select
        node_id,
        {{ graph_unhash_sql(
            'least(neighbour_hash, '
            ~ graph_hash_sql('node_id', coefficients) ~ ')',
            coefficients,
        ) }} as representative_id
    from neighbour_minimums

)

select * from final
{%- endmacro %}
