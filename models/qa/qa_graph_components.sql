{{
    config(
        materialized='connected_components',
        enabled=var('identity__build_qa_models', false),
    )
}}

{#- QA harness for the connected_components materialization: reads an edge
    table named by a var (created by tests_py or bench/), so the
    materialization can be checked against networkx and scipy. -#}

with

edges as (

    select
        node_a,
        node_b
    from {{ var('identity__qa_graph_edges_table', 'qa_graph_edges') }}

)

select * from edges
