{#- The erasure request rows and values that cannot be honoured, in the
    columns quarantined_records stacks (its erasure hook): rejected_column
    'request' for a whole row (not 'row', which the raw-row accounting of
    the registered sources reads), 'email' or 'phone' for a value left out
    while the row's other identifiers are honoured. File, row and reason
    only. DuckDB only, like the request models. -#}
{% macro erasure_request_rejections() %}
    {%- set requests = ref('privacy_erasure_requests') -%}
    {%- set loaded_at = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)" -%}
    select
        source_system,
        source_file,
        source_row_number,
        'request' as rejected_column,
        row_rejection_reason as reason,
        true as is_row_rejected,
        false as is_row_used,
        {{ loaded_at }} as _loaded_at
    from {{ requests }}
    where row_rejection_reason is not null
    {%- for kind in ['email', 'phone'] %}
    union all
    select
        source_system,
        source_file,
        source_row_number,
        '{{ kind }}' as rejected_column,
        {{ kind }}_rejection_reason as reason,
        false as is_row_rejected,
        row_rejection_reason is null as is_row_used,
        {{ loaded_at }} as _loaded_at
    from {{ requests }}
    where {{ kind }}_rejection_reason is not null
        and row_rejection_reason is null
    {%- endfor %}
{% endmacro %}
