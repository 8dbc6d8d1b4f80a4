{#- Post-hook of a delete+insert model of the touch chain (inside its
    transaction, before its state is recorded): fails the model when the
    rows this run wrote hold a key (`columns`) twice, so the rows and the
    state roll back together and every later run fails the same way until
    the cause is fixed. The rows this run wrote are those with the newest
    mark in `written_column` (monotonic_write_marker): all rows after a
    rebuild. An append deleted the table's rows of every key it writes, so
    a key can only repeat among them: checking them is checking the table,
    at the cost of the rows written (the row groups' min/max skip the
    rest), where a unique test reads every row on every run. -#}
{% macro incremental_unique_guard(columns, written_column) %}
    {%- set key = columns | join(', ') -%}
    select error(
        '{{ this }}: ' || count(*) || ' value(s) of ({{ key }}) written '
        || 'more than once by this run, e.g. ' || min(repeated_key)
        || '; nothing was written (the model rolls back)'
    )
    from (
        select concat_ws(' | ', {{ key }}) as repeated_key
        from {{ this }}
        where {{ written_column }} = (
            select max({{ written_column }}) from {{ this }}
        )
        group by {{ key }}
        having count(*) > 1
    ) as repeated
    having count(*) > 0
{%- endmacro %}
