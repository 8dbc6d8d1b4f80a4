{#- The config of a model of the incremental touch chain: incremental on
    DuckDB, deciding what to compute with incremental_scope() from the state
    of its last build (kept in the table's comment), a table elsewhere.
    `roots`: the models whose _loaded_at rows it depends on (ref'd here on DuckDB).
    `unique_key`: the rows an append replaces (none: it only adds rows).
    `pre_hooks`: run before the rows are written, in the same transaction
    (after a rebuild has emptied the table).
    `post_hooks`: run after the rows are written, in the same transaction.
    `read_marks`: {key: [model, column]}, the marks (monotonic_write_marker)
    of other models' rows up to which this build read, recorded in its state
    for incremental_read_mark.
    `unique_guard`: {'columns': [...], 'written': column}, the primary key
    that incremental_unique_guard checks on the rows each run writes (marked
    in `written`); recorded in meta.unique_guard. -#}
{% macro incremental_chain_config(
    roots, unique_key=none, pre_hooks=[], post_hooks=[], read_marks={},
    unique_guard=none
) %}
    {%- if target.type != 'duckdb' -%}
        {{ return({'materialized': 'table'}) }}
    {%- endif -%}
    {#- a ref of each root, so that dbt orders the model after it: the
        macros of incremental_scope() read the roots at run time (on DuckDB
        only, where these models are incremental) -#}
    {%- for name in roots -%}
        {%- do ref(name) -%}
    {%- endfor -%}
    {%- set guard_hooks = [
        '{{ incremental_unique_guard(' ~ tojson(unique_guard.columns) ~ ', '
        ~ tojson(unique_guard.written) ~ ') }}'
    ] if unique_guard else [] -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert' if unique_key else 'append',
        'unique_key': unique_key,
        'on_schema_change': 'sync_all_columns',
        'meta': {
            'incremental_roots': roots,
            'incremental_read_marks': read_marks,
            'unique_guard': unique_guard.columns if unique_guard else none,
        },
        'pre_hook': ['{{ incremental_scope_reset() }}'] + pre_hooks,
        'post_hook': post_hooks + guard_hooks + ['{{ incremental_scope_commit() }}'],
    }) }}
{% endmacro %}
