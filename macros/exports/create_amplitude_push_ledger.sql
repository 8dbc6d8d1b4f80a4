{# The push's ledger (src/identity_stitching/push/engine.py creates the same
   table with the same columns): created empty when missing, so that
   export_amplitude__push_rejected can read it before the first push. Never
   dropped or rebuilt by dbt, --full-refresh included. #}
{% macro create_amplitude_push_ledger() %}
{{ return(adapter.dispatch('create_amplitude_push_ledger')()) }}
{% endmacro %}

{% macro amplitude_push_ledger_columns() %}
    export_kind string not null,
    insert_id string not null,
    first_sent_at timestamp,
    last_sent_at timestamp,
    attempts integer not null,
    outcome string,
    response_code integer,
    reject_reason string,
    answered_at timestamp,
    is_adopted boolean not null
{% endmacro %}

{% macro default__create_amplitude_push_ledger() %}
{%- set ledger = source('amplitude_push', 'push_ledger') -%}
create schema if not exists {{ ledger.schema }};
create table if not exists {{ ledger }} ({{ amplitude_push_ledger_columns() }})
{% endmacro %}
