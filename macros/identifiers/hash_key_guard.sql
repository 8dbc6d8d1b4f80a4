{#- on-run-start hook (dbt_project.yml): every dbt build, run, seed, test or
    snapshot first makes sure the session can hash (hash_key_setup), then
    compares the scheme and key in use with the ones this warehouse was
    built with, and stops the run, before any model or export, when they
    differ. Never sees the key: it compares fingerprints computed by the
    engine. Returns no SQL. See docs/hashing.md. -#}
{% macro hash_key_guard() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- do hash_key_setup() -%}
    {%- set current = hash_key_current() -%}
    {%- set relation = hash_key_log_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    {%- do run_query(
        'create table if not exists ' ~ relation ~ ' ('
        ~ 'hash_version ' ~ dbt.type_string()
        ~ ', key_fingerprint ' ~ dbt.type_string()
        ~ ', recorded_at ' ~ dbt.type_timestamp()
        ~ ', invocation_id ' ~ dbt.type_string() ~ ')'
        ~ (' using parquet' if target.type == 'spark' else '')
    ) -%}
    {%- set recorded = run_query(
        'select hash_version, key_fingerprint from ' ~ relation
        ~ ' order by recorded_at desc limit 1'
    ) -%}
    {%- set previous = none -%}
    {%- if recorded.rows | length > 0 -%}
        {%- set previous = {'version': recorded.rows[0][0], 'fingerprint': recorded.rows[0][1]} -%}
    {%- endif -%}
    {%- if previous is not none and previous != current -%}
        {%- set allowed = var('identity__allow_hash_key_change', false) -%}
        {%- if not (allowed is sameas true or (allowed is string and allowed | lower == 'true')) -%}
            {{ exceptions.raise_compiler_error(hash_key_changed_message(previous, current, relation)) }}
        {%- endif -%}
        {{ log(
            'identity__allow_hash_key_change: the hash key changes from ' ~ hash_key_describe(previous)
            ~ ' to ' ~ hash_key_describe(current) ~ '; every identifier hash, person_id and device_id changes',
            info=true
        ) }}
    {%- endif -%}
    {%- if previous != current -%}
        {%- do run_query(
            'insert into ' ~ relation ~ ' values ('
            ~ dbt.string_literal(current.version) ~ ', ' ~ dbt.string_literal(current.fingerprint)
            ~ ', cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')'
            ~ ', ' ~ dbt.string_literal(invocation_id) ~ ')'
        ) -%}
    {%- endif -%}
    {%- if target.type == 'duckdb' -%}
        {#- run_query opened a transaction on this connection -#}
        {%- do adapter.commit() -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- The table recording the scheme and key fingerprint of every key this
    warehouse was built with, newest last (written only by hash_key_guard). -#}
{% macro hash_key_log_relation() %}
    {{ return(api.Relation.create(
        database=target.database if target.type == 'duckdb' else none,
        schema=target.schema,
        identifier='identity_hash_keys',
    )) }}
{% endmacro %}

{#- {'version', 'fingerprint'} of this session: the scheme, and the hash of
    a fixed label under it (for a key, the HMAC of the label: it identifies
    the key and cannot be turned back into it, or into the pads). -#}
{% macro hash_key_current() %}
    {%- set found = run_query(
        'select ' ~ hash_version() ~ ', ' ~ hash_key_fingerprint_sql()
    ) -%}
    {{ return({'version': found.rows[0][0], 'fingerprint': found.rows[0][1]}) }}
{% endmacro %}

{#- SQL: the key's fingerprint, hash_identifier of a fixed label. -#}
{% macro hash_key_fingerprint_sql() -%}
    {{ hash_identifier("'identity_stitching hash key fingerprint v1'") }}
{%- endmacro %}

{% macro hash_key_changed_message(previous, current, relation) -%}
    The hash key differs from the one this warehouse was built with (recorded in {{ relation }}: {{ hash_key_describe(previous) }}; now: {{ hash_key_describe(current) }}). Nothing was built or exported. A new key (or setting or unsetting one) gives every email, phone, person_id and device_id a new hash: Amplitude would see new devices and receive every event again under them. If IDENTITY_HASH_KEY is wrong, set the previous key again. To change the key on purpose, read docs/hashing.md ("Changing the key") and run once with --vars '{identity__allow_hash_key_change: true}'.
{%- endmacro %}

{#- "no key (sha256)" or "a key with fingerprint 1a2b... (hmac-sha256)" -#}
{% macro hash_key_describe(state) -%}
    {%- if state.version == 'sha256' -%}
        no key (sha256)
    {%- else -%}
        a key with fingerprint {{ state.fingerprint[:12] }}... ({{ state.version }})
    {%- endif -%}
{%- endmacro %}

{#- Makes the session able to hash: DuckDB's plugin has already set the
    variables when dbt connected, so only check that it ran; Spark declares
    them from the environment of its driver. -#}
{% macro hash_key_setup() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('hash_key_setup', 'identity_stitching')()) }}
{% endmacro %}

{% macro default__hash_key_setup() %}
    {%- set found = run_query('select ' ~ hash_version() ~ ' is not null') -%}
    {%- if not found.rows[0][0] -%}
        {{ exceptions.raise_compiler_error(hash_key_missing_message()) }}
    {%- endif -%}
{% endmacro %}

{#- Spark: session variables (one SparkSession serves every statement of a
    dbt-spark session run), set from the environment variable
    IDENTITY_HASH_KEY of the Spark driver's JVM, read by reflect() (commons-
    lang3's getEnvironmentVariable, with NUL for "unset": an environment
    value cannot hold one). The key's text is never in a statement; the
    pads are computed in SQL (the XOR of each byte of the key, zero-padded to
    64 bytes, with 0x36 and 0x5c). A key that is empty or longer than 64
    bytes stops the run with the same message as on DuckDB, and so does one
    the JVM decoded into replacement characters (a non-UTF-8 locale). -#}
{% macro spark__hash_key_setup() %}
    {%- for name, type in [('version', 'string'), ('key_problem', 'string'),
                           ('inner_pad', 'binary'), ('outer_pad', 'binary')] -%}
        {%- do run_query('declare or replace variable system.session.identity_hash_' ~ name ~ ' ' ~ type) -%}
    {%- endfor -%}
    {%- set usable = "key <> char(0) and octet_length(key) between 1 and 64" -%}
    {%- set pad -%}
        unhex(concat_ws('', transform(sequence(0, 63), i -> lpad(hex(
            cast(conv(substr(key_hex, 2 * i + 1, 2), 16, 10) as int) ^ %d
        ), 2, '0'))))
    {%- endset -%}
    {%- do run_query(
        'set var (system.session.identity_hash_version, system.session.identity_hash_key_problem, '
        ~ 'system.session.identity_hash_inner_pad, system.session.identity_hash_outer_pad) = ('
        ~ " select case when key = char(0) then 'sha256' else 'hmac-sha256' end,"
        ~ " case when key = '' then 'empty'"
        ~ " when octet_length(key) > 64 then cast(octet_length(key) as string)"
        ~ " when instr(key, decode(unhex('EFBFBD'), 'UTF-8')) > 0 then 'undecodable' end,"
        ~ ' case when ' ~ usable ~ ' then ' ~ (pad | format(54)) ~ ' end,'
        ~ ' case when ' ~ usable ~ ' then ' ~ (pad | format(92)) ~ ' end'
        ~ " from (select key, rpad(hex(encode(key, 'UTF-8')), 128, '0') as key_hex"
        ~ " from (select reflect('org.apache.commons.lang3.SystemUtils', 'getEnvironmentVariable',"
        ~ " 'IDENTITY_HASH_KEY', char(0)) as key)))"
    ) -%}
    {%- set problem = run_query('select system.session.identity_hash_key_problem').rows[0][0] -%}
    {%- if problem == 'empty' -%}
        {{ exceptions.raise_compiler_error(
            "IDENTITY_HASH_KEY is set but empty. Unset it to hash with plain SHA-256, or set it to the key "
            ~ "(at most 64 bytes, for example `openssl rand -hex 32`). An empty value is refused so that a "
            ~ "secret that failed to load cannot silently turn the hashing unkeyed: see docs/hashing.md."
        ) }}
    {%- elif problem == 'undecodable' -%}
        {{ exceptions.raise_compiler_error(
            "IDENTITY_HASH_KEY holds bytes the Spark driver's JVM cannot decode in its charset (sun.jnu.encoding, "
            ~ "from the locale), so Spark would hash with another key than DuckDB: use an ASCII key (hex or "
            ~ "base64), or a UTF-8 locale; see docs/hashing.md."
        ) }}
    {%- elif problem -%}
        {{ exceptions.raise_compiler_error(
            "IDENTITY_HASH_KEY is " ~ problem ~ " bytes long: use at most 64 bytes "
            ~ "(for example 64 hex characters from `openssl rand -hex 32`); see docs/hashing.md."
        ) }}
    {%- endif -%}
{% endmacro %}
