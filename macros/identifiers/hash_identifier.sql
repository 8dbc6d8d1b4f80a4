{# Lowercase hex digest of an already normalized value.
   Without env IDENTITY_HASH_KEY: SHA-256, the same digest as Python's
   hashlib.sha256(value.encode()).hexdigest().
   With it: HMAC-SHA256 keyed with the variable's UTF-8 bytes, the same as
   hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest(),
   built from SHA-256 over binary strings (RFC 2104):
   sha256((K0 xor opad) || sha256((K0 xor ipad) || value)).
   hash_version() names the scheme; null in, null out. #}
{% macro hash_identifier(expr) -%}
    {{ return(adapter.dispatch('hash_identifier', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__hash_identifier(expr) -%}
    {{ exceptions.raise_compiler_error("hash_identifier: no sha256 for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__hash_identifier(expr) -%}
    {%- set pads = hash_key_pads() -%}
    {%- if pads is none -%}
        sha256({{ expr }})
    {%- else -%}
        sha256(unhex('{{ pads.outer }}') || unhex(sha256(
            unhex('{{ pads.inner }}') || encode(cast({{ expr }} as varchar))
        )))
    {%- endif -%}
{%- endmacro %}

{% macro spark__hash_identifier(expr) -%}
    {%- set pads = hash_key_pads() -%}
    {%- if pads is none -%}
        sha2(cast({{ expr }} as string), 256)
    {%- else -%}
        sha2(concat(unhex('{{ pads.outer }}'), unhex(sha2(
            concat(unhex('{{ pads.inner }}'), cast(cast({{ expr }} as string) as binary)),
            256
        ))), 256)
    {%- endif -%}
{%- endmacro %}
