{#- What an incremental model of the touch chain has to compute in this run,
    from the state its last successful build left in the table's comment
    (written by incremental_scope_commit in the same transaction as its
    rows). Returns {'mode': 'rebuild' | 'append', 'watermark': timestamp
    literal or none}:
    - 'rebuild': every row again (first build, --full-refresh, no state, a
      change of project_logic_fingerprint(), a parent of the chain rebuilt
      since, or rows of its roots loaded at or before the watermark that
      changed: a file removed, replaced or re-saved, since the loaders give
      a re-loaded file a new _loaded_at);
    - 'append': only what rows loaded after the watermark reach.
    The roots are the models named in meta.incremental_roots, whose rows
    carry _loaded_at: the watermark is their newest. A root outside the
    chain (a loader, stg_app__users) is checked by counting its rows up to
    the watermark; a parent in the chain (any model this one refs that is
    built with incremental_chain_config) by its generation, which a
    rebuild renews: its rebuild rebuilds this model. On engines other than
    DuckDB these models are tables: always 'rebuild'. `fingerprint` and
    `parents`: this run's project_logic_fingerprint() and
    incremental_parent_generations(), when the caller has them already. -#}
{% macro incremental_scope(fingerprint=none, parents=none) %}
    {%- set rebuild = {'mode': 'rebuild', 'watermark': none} -%}
    {%- if not execute or target.type != 'duckdb' or not is_incremental() -%}
        {{ return(rebuild) }}
    {%- endif -%}
    {%- set state = incremental_scope_state(this) -%}
    {%- if state is none or state.get('fingerprint') != (fingerprint or project_logic_fingerprint()) -%}
        {{ return(rebuild) }}
    {%- endif -%}
    {%- if (parents if parents is not none else incremental_parent_generations()) != state.get('parents') -%}
        {{ return(rebuild) }}
    {%- endif -%}
    {%- set counted = run_query(
        'select ' ~ incremental_scope_count_sql(state.get('watermark'))
    ).columns[0].values()[0] -%}
    {%- if counted | int != state.get('root_rows') -%}
        {{ return(rebuild) }}
    {%- endif -%}
    {{ return({'mode': 'append', 'watermark': state.get('watermark'), 'state': state}) }}
{% endmacro %}

{#- Whether the model `node_id` names is built with incremental_chain_config. -#}
{% macro is_chain_model(node_id) %}
    {%- set node = graph.nodes.get(node_id) -%}
    {{ return(node is not none and 'incremental_roots' in (node.config.get('meta') or {})) }}
{% endmacro %}

{#- {parent model: its generation} for every parent of this model in the
    chain, as their comments hold them now (none for a parent with no state:
    this model then rebuilds). -#}
{% macro incremental_parent_generations() %}
    {%- set generations = {} -%}
    {%- for node_id in model.depends_on.nodes if is_chain_model(node_id) -%}
        {%- set name = graph.nodes[node_id].name -%}
        {%- set parent_state = incremental_scope_state(ref(name)) -%}
        {%- do generations.update({name: parent_state.get('generation') if parent_state else none}) -%}
    {%- endfor -%}
    {{ return(generations) }}
{% endmacro %}

{#- For an append: the mark (a SQL timestamp literal) up to which the model
    read the rows of the model named for `key` in meta.incremental_read_marks
    (`[model, column]`, column filled by monotonic_write_marker) at its last
    build, so that it reads only the rows written after it. None when there
    is no such mark, or when no row is marked at or after it any more (that
    model was rebuilt with the clock set back): then read everything. -#}
{% macro incremental_read_mark(scope, key) %}
    {%- if scope.mode != 'append' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set marked = config.get('meta', {}).get('incremental_read_marks', {})[key] -%}
    {{ return(reached_write_mark(ref(marked[0]), marked[1], scope.get('state', {}).get(key))) }}
{% endmacro %}

{#- The state in the comment of `relation`, or none. -#}
{% macro incremental_scope_state(relation) %}
    {%- set found = run_query(
        "select comment from duckdb_tables() where database_name = '"
        ~ relation.database ~ "' and schema_name = '" ~ relation.schema
        ~ "' and table_name = '" ~ relation.identifier ~ "'"
    ) -%}
    {%- if found.rows | length == 0 or not found.columns[0].values()[0] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = fromjson(found.columns[0].values()[0], none) -%}
    {{ return(state if state is mapping else none) }}
{% endmacro %}

{#- A SQL expression: the number of rows of the roots outside the chain
    loaded at or before `watermark` (all of them when it is none). -#}
{% macro incremental_scope_count_sql(watermark) %}
    {%- set counts = [] -%}
    {%- for name in config.get('meta', {}).get('incremental_roots', [])
        if not is_chain_model('model.' ~ project_name ~ '.' ~ name) -%}
        {%- do counts.append(
            '(select count(*) from ' ~ engine_ref(name)
            ~ (' where _loaded_at <= ' ~ dbt.string_literal(watermark) ~ '::timestamp' if watermark else '')
            ~ ')'
        ) -%}
    {%- endfor -%}
    {{ return('(' ~ (counts | join(' + ') or '0') ~ ')') }}
{% endmacro %}

{#- A SQL condition on `column` (a _loaded_at): true for every row in a
    rebuild, for rows loaded after the watermark in an append. -#}
{% macro loaded_since_scope(scope, column='_loaded_at') %}
    {%- if scope.mode == 'append' and scope.watermark -%}
        {{ column }} > {{ dbt.string_literal(scope.watermark) }}::timestamp
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}

{#- Pre-hook (inside the model's transaction): a rebuild of an existing
    table starts from an empty one. -#}
{% macro incremental_scope_reset() %}
    {%- if execute and target.type == 'duckdb' and is_incremental()
        and incremental_scope().mode == 'rebuild' -%}
        delete from {{ this }}
    {%- endif -%}
{% endmacro %}

{#- Post-hook (inside the model's transaction): the state the next run
    compares against. Every root row is in the table now, so the watermark
    is the newest _loaded_at of the roots and root_rows counts them all. A
    rebuild starts a new generation (this run's invocation id), which the
    models reading this one compare with the one they recorded. -#}
{% macro incremental_scope_commit() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set maxima = [] -%}
        {%- for name in config.get('meta', {}).get('incremental_roots', []) -%}
            {%- do maxima.append('(select max(_loaded_at) from ' ~ engine_ref(name) ~ ')') -%}
        {%- endfor -%}
        {%- set marks = config.get('meta', {}).get('incremental_read_marks', {}) -%}
        {%- set mark_sql = [] -%}
        {%- for key in marks -%}
            {%- do mark_sql.append(
                ', (select cast(max(' ~ marks[key][1] ~ ') as varchar) from ' ~ ref(marks[key][0]) ~ ')'
            ) -%}
        {%- endfor -%}
        {%- set found = run_query(
            'select cast(greatest(' ~ (maxima | join(', ')) ~ ') as varchar), '
            ~ incremental_scope_count_sql(none) ~ (mark_sql | join(''))
        ) -%}
        {%- set fingerprint = project_logic_fingerprint() -%}
        {%- set parents = incremental_parent_generations() -%}
        {%- set scope = incremental_scope(fingerprint, parents) -%}
        {%- set state = {
            'fingerprint': fingerprint,
            'generation': scope.state.generation
                if scope.mode == 'append' and scope.state.get('generation')
                else invocation_id,
            'parents': parents,
            'watermark': found.columns[0].values()[0],
            'root_rows': found.columns[1].values()[0] | int,
        } -%}
        {%- for key in marks -%}
            {%- do state.update({key: found.columns[2 + loop.index0].values()[0]}) -%}
        {%- endfor -%}
        comment on table {{ this }} is {{ dbt.string_literal(tojson(state)) }}
    {%- endif -%}
{% endmacro %}
