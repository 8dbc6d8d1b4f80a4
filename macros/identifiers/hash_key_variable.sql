{# SQL naming one of the engine's hash session variables, never its value:
   'version' ('sha256' or 'hmac-sha256'), 'inner_pad' or 'outer_pad' (the
   HMAC pads, binary, null without a key). DuckDB: getvariable(), set by the
   plugin identity_stitching.duckdb_plugin on every connection dbt opens.
   Spark: a session variable (system.session, so that no column of the same
   name can shadow it) declared by spark__hash_key_setup. See
   docs/hashing.md. #}
{% macro hash_key_variable(name) -%}
    {%- if name not in ('version', 'inner_pad', 'outer_pad') -%}
        {{ exceptions.raise_compiler_error("hash_key_variable: unknown variable " ~ name) }}
    {%- endif -%}
    {{ return(adapter.dispatch('hash_key_variable', 'identity_stitching')(name)) }}
{%- endmacro %}

{% macro default__hash_key_variable(name) -%}
    getvariable('identity_hash_{{ name }}')
{%- endmacro %}

{% macro spark__hash_key_variable(name) -%}
    system.session.identity_hash_{{ name }}
{%- endmacro %}
