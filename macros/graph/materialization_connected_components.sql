{#-
    connected_components: the model's SELECT returns an undirected edge list
    (node_a, node_b bigint; duplicates and self-loops allowed); the table
    built has one row per node: node_id, component_id = the smallest node_id
    of its component.

    Randomized contraction (Boegeholz, Brand, Todor, arXiv 1802.09478): each
    round draws a fresh bijection h(x) = (a * x + b) mod (2^31 - 1), every
    node takes the member of its closed neighbourhood with the smallest h as
    representative, edges are relabelled and self-loops dropped, until no edge
    is left; the per-round maps are then composed backwards. Node ids must be
    in [0, 2^31 - 2] (dense ids) so that h is a bijection.
-#}
{% materialization connected_components, default %}

    {%- set max_node_id = 2147483646 -%}
    {%- set max_rounds = var('identity__graph_max_rounds', 64) | int -%}
    {%- set seed = var('identity__graph_seed', 20240101) | int -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
    {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
    {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
    {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
    {%- set grant_config = config.get('grants') -%}

    {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
    {{ drop_relation_if_exists(preexisting_backup_relation) }}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- ---------- input: the model's edges, typed, in work tables ---------- -#}
    {%- set input_relation = graph_intermediate_relation(target_relation, 'input') -%}
    {%- set work_relations = [input_relation] -%}
    {%- set check = graph_run_statements([
        graph_create_work_table_sql(
            input_relation, graph_input_edges_sql(compiled_code)
        ),
        graph_node_check_sql(input_relation, max_node_id),
    ]).rows[0] -%}
    {%- if (check['null_rows'] | int) > 0 or (check['out_of_range_rows'] | int) > 0 -%}
        {%- do graph_drop_work_tables(target_relation, work_relations) -%}
        {%- do exceptions.raise_compiler_error(
            "connected_components (" ~ this ~ "): node ids must be non-null "
            ~ "integers in [0, " ~ max_node_id ~ "] (dense ids; the hash "
            ~ "h(x) = (a*x + b) mod 2^31-1 is a bijection only there). Found "
            ~ check['null_rows'] ~ " edge rows with a null and "
            ~ check['out_of_range_rows'] ~ " out of range (min "
            ~ check['min_node_id'] ~ ", max " ~ check['max_node_id'] ~ ")."
        ) -%}
    {%- endif -%}

    {#- ---------- contraction rounds ---------- -#}
    {#- Round 1 reads the input as it is: duplicates and self-loops do not
        change a closed neighbourhood's minimum, relabelling drops the
        self-loops, and every node of the input gets a label, so the
        composed map covers all nodes (self-loop-only ones included). -#}
    {%- set state = namespace(
        edges=input_relation,
        edge_count=check['edge_rows'] | int,
        rounds=0,
        finished=false,
    ) -%}
    {%- set label_relations = [] -%}
    {{ log("connected_components " ~ this ~ ": " ~ check['edge_rows']
        ~ " edge rows") }}

    {#- Rounds are sent in batches: one round per call while the edge set
        is large, graph_rounds_per_call() rounds per call once it is small
        (on DuckDB the late rounds cost more in round trips than in work).
        A round after the one that emptied the edge set reads empty tables
        and yields empty maps, which composing ignores. -#}
    {%- for call_number in range(max_rounds) -%}
        {%- if not state.finished and state.rounds < max_rounds -%}
            {%- set batch_size = 1 if state.edge_count >= 100000
                else [graph_rounds_per_call(), max_rounds - state.rounds] | min -%}
            {%- set statements = [] -%}
            {%- set batch_edges = [] -%}
            {%- set batch = namespace(edges=state.edges) -%}
            {%- for offset in range(batch_size) -%}
                {%- set round_number = state.rounds + 1 + offset -%}
                {%- set coefficients = graph_hash_coefficients(round_number, seed) -%}
                {%- set labels_relation = graph_intermediate_relation(
                    target_relation, 'l' ~ round_number
                ) -%}
                {%- set next_edges_relation = graph_intermediate_relation(
                    target_relation, 'e' ~ round_number
                ) -%}
                {%- do work_relations.append(labels_relation) -%}
                {%- do work_relations.append(next_edges_relation) -%}
                {%- do batch_edges.append((labels_relation, next_edges_relation)) -%}
                {%- do statements.append(graph_create_work_table_sql(
                    labels_relation,
                    graph_round_labels_sql(batch.edges, coefficients),
                )) -%}
                {%- do statements.append(graph_create_work_table_sql(
                    next_edges_relation,
                    graph_contracted_edges_sql(batch.edges, labels_relation),
                )) -%}
                {%- set batch.edges = next_edges_relation -%}
            {%- endfor -%}
            {%- set counts = [] -%}
            {%- for labels_and_edges in batch_edges -%}
                {%- do counts.append(
                    '(select count(*) from ' ~ labels_and_edges[1]
                    ~ ') as edges_' ~ loop.index
                ) -%}
            {%- endfor -%}
            {%- do statements.append('select ' ~ counts | join(', ')) -%}
            {%- set batch_counts = graph_run_statements(statements).rows[0] -%}
            {%- for labels_and_edges in batch_edges -%}
                {%- if not state.finished -%}
                    {%- do label_relations.append(labels_and_edges[0]) -%}
                    {%- set state.edges = labels_and_edges[1] -%}
                    {%- set state.edge_count = batch_counts[loop.index0] | int -%}
                    {%- set state.rounds = state.rounds + 1 -%}
                    {%- set state.finished = (state.edge_count == 0) -%}
                    {{ log("connected_components " ~ this ~ ": round "
                        ~ state.rounds ~ ", " ~ state.edge_count
                        ~ " edges left") }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if not state.finished -%}
        {%- do graph_drop_work_tables(target_relation, work_relations) -%}
        {%- do exceptions.raise_compiler_error(
            "connected_components (" ~ this ~ "): max-round guard tripped: "
            ~ state.edge_count ~ " edges were still left after "
            ~ max_rounds ~ " rounds (var identity__graph_max_rounds = "
            ~ max_rounds ~ "). Contraction needs O(log n) rounds, so this "
            ~ "points at a too-small guard or a broken input; raise the var "
            ~ "to go on."
        ) -%}
    {%- endif -%}

    {{ log("connected_components " ~ this ~ ": " ~ state.rounds
        ~ " contraction rounds", info=True) }}

    {#- ---------- the model's table: compose the maps backwards ---------- -#}
    {% call statement('main') -%}
        {{ get_create_table_as_sql(
            False,
            intermediate_relation,
            graph_components_sql(label_relations),
        ) }}
    {%- endcall %}

    {%- if existing_relation is not none -%}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {%- endif -%}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}

    {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}

    {%- do graph_commit() -%}

    {{ drop_relation_if_exists(backup_relation) }}
    {%- do graph_drop_work_tables(target_relation, work_relations) -%}

    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
