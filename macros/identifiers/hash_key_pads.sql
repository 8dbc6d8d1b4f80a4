{# The two HMAC-SHA256 pads of the key in env IDENTITY_HASH_KEY, as hex:
   {'inner': K0 xor 0x36.., 'outer': K0 xor 0x5c..}, where K0 is the key's
   UTF-8 bytes right-padded with zero bytes to SHA-256's 64-byte block
   (RFC 2104). none when the variable is unset or empty.
   A key longer than 64 bytes would first have to be hashed, which Jinja
   cannot do, so it is refused. The pads are as secret as the key, and they
   end up in compiled SQL (target/) and dbt's debug log: see docs/hashing.md. #}
{% macro hash_key_pads() -%}
    {%- set key = env_var('IDENTITY_HASH_KEY', '') -%}
    {%- if key == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key_hex = key.encode('utf-8').hex() -%}
    {%- if key_hex | length > 128 -%}
        {{ exceptions.raise_compiler_error(
            "IDENTITY_HASH_KEY is " ~ ((key_hex | length) // 2) ~ " bytes long: "
            ~ "use at most 64 bytes (for example 64 hex characters from "
            ~ "`openssl rand -hex 32`)"
        ) }}
    {%- endif -%}
    {%- set key_hex = key_hex ~ '0' * (128 - (key_hex | length)) -%}
    {%- set inner = [] -%}
    {%- set outer = [] -%}
    {%- for position in range(64) -%}
        {%- set key_byte = key_hex[2 * position:2 * position + 2] | int(base=16) -%}
        {%- set pads = namespace(inner=0, outer=0) -%}
        {%- for bit in range(8) -%}
            {%- set weight = 2 ** bit -%}
            {%- set key_bit = (key_byte // weight) % 2 -%}
            {%- set pads.inner = pads.inner + ((key_bit + (54 // weight) % 2) % 2) * weight -%}
            {%- set pads.outer = pads.outer + ((key_bit + (92 // weight) % 2) % 2) * weight -%}
        {%- endfor -%}
        {%- do inner.append('%02x' % pads.inner) -%}
        {%- do outer.append('%02x' % pads.outer) -%}
    {%- endfor -%}
    {{ return({'inner': inner | join(''), 'outer': outer | join('')}) }}
{%- endmacro %}
