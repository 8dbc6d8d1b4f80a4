{# The scheme hash_identifier uses in this build, as a SQL string literal:
   'hmac-sha256' when env IDENTITY_HASH_KEY is set, else 'sha256'. Carried
   next to hashes so a reader knows how each one was made. #}
{% macro hash_version() -%}
    {%- if hash_key_pads() is none -%}
        'sha256'
    {%- else -%}
        'hmac-sha256'
    {%- endif -%}
{%- endmacro %}
