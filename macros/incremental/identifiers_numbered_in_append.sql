{#- For an append of int_identifiers: the select of `relation` (the
    identifiers it recomputes, judged) with each one's node_id and
    _shared_changed_at, read against the CTE `previous` of
    identifiers_recomputed_evidence. Old identifiers keep their node ids;
    new ones are numbered after the largest, in identifier_id order. The
    shared verdict's mark moves only when the verdict does
    (`shared_reason_column` null: not shared). -#}
{% macro identifiers_numbered_in_append(relation, shared_reason_column) %}
    select
        {{ relation }}.*,
        case
            when previous.is_shared
                = ({{ relation }}.{{ shared_reason_column }} is not null)
                then previous._shared_changed_at
            else {{ monotonic_write_marker('_shared_changed_at') }}
        end as _shared_changed_at,
        coalesce(
            previous.node_id,
            (select coalesce(max(node_id), 0) from previous)
            + row_number() over (
                partition by previous.node_id is null
                order by {{ relation }}.identifier_id
            )
        ) as node_id

    from {{ relation }}
    left join previous
        on {{ relation }}.identifier_id = previous.identifier_id
{%- endmacro %}
