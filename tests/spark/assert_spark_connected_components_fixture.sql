{{ config(enabled=target.type == 'spark') }}
{# spark_connected_components on a fixture: a chain of 8 (7 rounds deep), a
   cycle, a star, a lone self-loop. One row per node whose component is not
   the smallest node of its connected part. #}
with

components as (

    {{ spark_connected_components(
        "(select * from values
            (1, 2), (3, 2), (3, 4), (5, 4), (5, 6), (7, 6), (8, 7),
            (20, 21), (21, 22), (22, 20),
            (30, 30),
            (41, 40), (42, 40), (40, 43)
        as fixture (node_a, node_b)) as fixture_edges"
    ) }}

),

expected as (

    select * from values
        (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 1),
        (20, 20), (21, 20), (22, 20),
        (30, 30),
        (40, 40), (41, 40), (42, 40), (43, 40)
    as expected (node_id, component_id)

),

final as (

    select
        coalesce(components.node_id, expected.node_id) as node_id,
        components.component_id,
        expected.component_id as expected_component_id

    from components
    full outer join expected
        on components.node_id = expected.node_id
    where components.component_id is distinct from expected.component_id

)

select * from final
