{% macro graph_components_sql(label_relations) %}
    {{ return(adapter.dispatch('graph_components_sql')(label_relations)) }}
{% endmacro %}

{% macro default__graph_components_sql(label_relations) %}
{#- Composes the per-round maps backwards in one statement: composed_<r>
    maps the nodes of round r to their final representative and is built
    from round r's map and composed_<r + 1>. Each CTE is read once (Spark
    inlines CTEs), and no composed map is written to disk. composed_1 covers
    every node of the input; the random representative is then replaced by
    the component's smallest node id, so the result does not depend on the
    seed. -#}
{%- set last = label_relations | length -%}
with

composed_{{ last }} as (

    select
        node_id,
        representative_id
    from {{ label_relations[last - 1] }}

),
{%- for round_number in range(last - 1, 0, -1) %}

composed_{{ round_number }} as (

    {{ graph_composed_labels_sql(
        label_relations[round_number - 1],
        'composed_' ~ (round_number + 1),
    ) | indent(4) }}

),
{%- endfor %}

final as (

    select
        cast(node_id as {{ dbt.type_bigint() }}) as node_id,
        cast(
            min(node_id) over (partition by representative_id)
            as {{ dbt.type_bigint() }}
        ) as component_id
    from composed_1

)

select * from final
{%- endmacro %}
