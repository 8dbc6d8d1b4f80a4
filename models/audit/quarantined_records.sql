{# One row per rejected raw row and per rejected value, with where it came
   from and why, in words. A row-level rejection (rejected_column = 'row':
   the row is not used) and the value-level rejections (an email, a phone,
   or 'value': the other columns a row can do without) are separate rows; a rejected value in a row that has another good identifier
   only costs that value (is_row_used stays true). No raw or normalized
   value is carried here: the reason names the rule, never the value. #}
{# (staging model, identifier kinds) of every registered source #}
{% set staged = [] %}
{% for source in registered_sources() %}
{% set kinds = [] %}
{% for kind in ['email', 'phone'] if source[kind] %}
{% do kinds.append(kind) %}
{% endfor %}
{% do staged.append((source.staging_model, kinds)) %}
{% endfor %}

with

{% for model, kinds in staged %}
{{ model }} as (

    select * from {{ ref(model) }}

),

{{ model }}_rejections as (

    select
        source_system,
        source_file,
        source_row_number,
        'row' as rejected_column,
        row_rejection_reason as reason,
        true as is_row_rejected,
        false as is_row_used,
        _loaded_at

    from {{ model }}
    where row_rejection_reason is not null

    union all

    {# values dropped from a row that flows on (an oversized name, a
       broken optional column): the reason names the column #}
    select
        source_system,
        source_file,
        source_row_number,
        'value' as rejected_column,
        value_rejection_reason as reason,
        false as is_row_rejected,
        row_rejection_reason is null as is_row_used,
        _loaded_at

    from {{ model }}
    where value_rejection_reason is not null
    {%- for kind in kinds %}

    union all

    select
        source_system,
        source_file,
        source_row_number,
        '{{ kind }}' as rejected_column,
        {{ kind }}_rejection_reason as reason,
        false as is_row_rejected,
        row_rejection_reason is null as is_row_used,
        _loaded_at

    from {{ model }}
    where {{ kind }}_rejection_reason is not null
    {%- endfor %}

),

{% endfor %}

unioned as (

    {% for model, kinds in staged %}
    select * from {{ model }}_rejections
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {#- erasure hook (docs/erasure.md): request rows not honoured #}
    {%- if target.type != 'spark' %}
    union all
    {{ erasure_request_rejections() }}
    {%- endif %}

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "source_system || '|' || source_file || '|' || "
            ~ "cast(source_row_number as " ~ dbt.type_string() ~ ") || '|' || "
            ~ "rejected_column"
        ) }} as quarantine_id,

        ---------- strings
        source_system,
        source_file,
        rejected_column,
        reason,

        ---------- numerics
        source_row_number,

        ---------- booleans
        is_row_rejected,
        is_row_used,

        ---------- provenance
        _loaded_at

    from unioned

)

select * from final
