{#- For an append of int_identifiers: the select of the rows it writes for
    the identifiers left in no record (the CTE `vanished` of
    identifiers_recomputed_evidence), in the model's column order: their
    counts 0, every other column null. The model's post-hook deletes the
    rows whose record_count is 0 (delete+insert only replaces the keys it
    writes, so it cannot delete them by leaving them out). -#}
{% macro identifiers_vanished_rows() %}
    select
        identifier_id,
        cast(null as {{ dbt.type_bigint() }}) as node_id,
        cast(null as {{ dbt.type_string() }}) as identifier_type,
        cast(null as {{ dbt.type_string() }}) as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as owner_user_id,
        cast(null as {{ dbt.type_string() }}) as hash_version,
        cast(null as {{ dbt.type_string() }}) as shared_reason,
        0 as record_count,
        0 as distinct_name_count,
        0 as distinct_user_count,
        0 as distinct_email_count,
        cast(null as boolean) as is_shared,
        cast(null as boolean) as is_allowlisted,
        cast(null as boolean) as is_role_address,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as _shared_changed_at

    from vanished
{%- endmacro %}
