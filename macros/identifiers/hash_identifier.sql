{# Lowercase hex SHA-256 of an already normalized value: the same digest as
   Python's hashlib.sha256(value.encode()).hexdigest(). #}
{% macro hash_identifier(expr) -%}
    {{ return(adapter.dispatch('hash_identifier', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__hash_identifier(expr) -%}
    {{ exceptions.raise_compiler_error("hash_identifier: no sha256 for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__hash_identifier(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro spark__hash_identifier(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}
