{#- The select that ends int_identifiers_clustered: the rows of `final` (a
    CTE holding every identifier) the run writes. All of them in a rebuild,
    and once to a table from before the marks or one of `compared_columns`
    existed (on_schema_change adds it, empty, in this run). Otherwise only the
    identifiers new or whose row differs from the table's in one of
    `compared_columns`, and _person_changed_at keeps the table's mark while
    the identifier's person, device_id and user_id are unchanged: so
    int_touches_resolved re-resolves the touches of the few identifiers that
    moved, not of every shared phone whose counts (in its shared_reason)
    moved. -#}
{% macro clustered_identifiers_to_write(final, compared_columns) %}
    {%- set missing = [] -%}
    {%- for column in ['_clustered_at', '_person_changed_at'] + compared_columns
        if not incremental_has_column(column) -%}
        {%- do missing.append(column) -%}
    {%- endfor -%}
    {%- if not missing %}
select
    {{ final }}.* exclude (_person_changed_at),
    case
        when {{ final }}.person_id = previous.person_id
            and {{ final }}.device_id is not distinct from previous.device_id
            and {{ final }}.user_id is not distinct from previous.user_id
            then previous._person_changed_at
        else {{ final }}._person_changed_at
    end as _person_changed_at

from {{ final }}
left join {{ this }} as previous
    on {{ final }}.identifier_id = previous.identifier_id
where previous.identifier_id is null
    {%- for column in compared_columns %}
    or {{ final }}.{{ column }} is distinct from previous.{{ column }}
    {%- endfor %}
    {%- else %}
select * from {{ final }}
    {%- endif %}
{% endmacro %}
