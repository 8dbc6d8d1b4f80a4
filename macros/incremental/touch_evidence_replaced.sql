{#- For an append of int_identifiers: how many evidence rows (record,
    identifier) the touch records rewritten since its last build held at
    that build. 0 means no identifier left a touch record, so only the
    identifiers of rewritten records and of rewritten product users' records
    can have another record count.
    The touch evidence at the last build is the table's sum of record_count
    minus distinct_user_count (a record is a touch or a product user's
    'user:' record). The touch records not rewritten (evidence loaded at or
    before the watermark) still hold what they held, so the rewritten ones
    held the difference of the first and the evidence now outside them. -#}
{% macro touch_evidence_replaced(scope) %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set found = run_query(
        'select coalesce((select sum(record_count - distinct_user_count) from ' ~ this ~ '), 0)'
        ~ ' - (select count(*) from ' ~ ref('int_identifiers_unioned') ~ ' as evidence'
        ~ " where evidence.record_id not like 'user:%'"
        ~ ' and not (' ~ loaded_since_scope(scope, 'evidence._loaded_at') ~ '))'
    ) -%}
    {{ return(found.columns[0].values()[0] | int) }}
{%- endmacro %}
