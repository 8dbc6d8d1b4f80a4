{# The scheme hash_identifier uses in this build, as a SQL expression of the
   engine's session ('hmac-sha256' when the environment variable
   IDENTITY_HASH_KEY is set, else 'sha256'; see hash_key_variable). Carried
   next to hashes so a reader knows how each one was made. Tables only: a
   view would read the session of whoever queries it. #}
{% macro hash_version() -%}
    {{ hash_key_variable('version') }}
{%- endmacro %}
