{# Lowercase hex digest of an already normalized value.
   Without the environment variable IDENTITY_HASH_KEY: SHA-256, the same
   digest as Python's hashlib.sha256(value.encode()).hexdigest().
   With it: HMAC-SHA256 keyed with the variable's UTF-8 bytes, the same as
   hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest(),
   built from SHA-256 over binary strings (RFC 2104):
   sha256((K0 xor opad) || sha256((K0 xor ipad) || value)).
   The key never passes through Jinja: the engine holds the scheme and the
   two pads in session variables (hash_key_variable), set from the
   environment when the connection opens (DuckDB: the profile's plugin
   identity_stitching.duckdb_plugin; Spark: the on-run-start hook
   hash_key_guard), so the SQL only names them. Do not call it in a view:
   a view would hash at query time, on a connection that may hold no key.
   A session without the variables fails loudly. hash_version() names the
   scheme; null in, null out. See docs/hashing.md. #}
{% macro hash_identifier(expr) -%}
    {{ return(adapter.dispatch('hash_identifier', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__hash_identifier(expr) -%}
    {{ exceptions.raise_compiler_error("hash_identifier: no sha256 for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro hash_key_missing_message() -%}
    hash_identifier: this session holds no hash scheme (see docs/hashing.md): on DuckDB the profile must load the plugin identity_stitching.duckdb_plugin, on Spark the on-run-start hook hash_key_guard must have run
{%- endmacro %}

{% macro duckdb__hash_identifier(expr) -%}
    case {{ hash_key_variable('version') }}
        when 'sha256' then sha256({{ expr }})
        when 'hmac-sha256' then sha256({{ hash_key_variable('outer_pad') }} || unhex(sha256(
            {{ hash_key_variable('inner_pad') }} || encode(cast({{ expr }} as varchar))
        )))
        else error('{{ hash_key_missing_message() }}')
    end
{%- endmacro %}

{% macro spark__hash_identifier(expr) -%}
    case {{ hash_key_variable('version') }}
        when 'sha256' then sha2(cast({{ expr }} as string), 256)
        when 'hmac-sha256' then sha2(concat({{ hash_key_variable('outer_pad') }}, unhex(sha2(
            concat({{ hash_key_variable('inner_pad') }}, cast(cast({{ expr }} as string) as binary)),
            256
        ))), 256)
        else raise_error('{{ hash_key_missing_message() }}')
    end
{%- endmacro %}
