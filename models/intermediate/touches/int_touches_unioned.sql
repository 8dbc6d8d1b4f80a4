{# Every off-platform touch with at least one usable identifier, from every
   registered touch source (var identity__sources), each read through its
   touch model in the touch contract (CONTRIBUTING.md), and deduplicated on
   touch_id, which depends on content only, so a re-uploaded export adds
   nothing: of a touch's rows the first by file and row wins.
   Incremental on DuckDB: a run recomputes only the touches that rows of
   newly loaded files reach, each chosen again among all its rows. #}
{{ config(**incremental_chain_config(
    touch_models(),
    unique_key='touch_id',
    unique_guard={'columns': ['touch_id'], 'written': '_written_at'},
)) }}
{% set scope = incremental_scope() %}
{% set contract = [
    'touch_id', 'source_system', 'event_type', 'occurred_at',
    'email_sha256', 'phone_sha256', 'name_sha256', 'is_role_email',
    'event_properties', 'source_file', 'source_row_number', '_loaded_at',
] %}
with

{% for source in registered_sources('touch') %}
{{ source.name }}_touches as (

    select {{ contract | join(', ') }}
    from {{ ref(source.touch_model) }}
    where row_rejection_reason is null
        and coalesce(email_sha256, phone_sha256) is not null
    {%- if scope.mode == 'append' %}
        and touch_id in (
            select new_rows.touch_id
            from {{ ref(source.touch_model) }} as new_rows
            where {{ loaded_since_scope(scope, 'new_rows._loaded_at') }}
        )
    {%- endif %}

),

{% endfor %}
unioned as (

    {% for source in registered_sources('touch') %}
    select * from {{ source.name }}_touches
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

deduplicated as (

    select *
    from unioned
    qualify
        row_number() over (
            partition by touch_id order by source_file, source_row_number
        ) = 1

),

final as (

    select
        *,
        {{ monotonic_write_marker('_written_at') }} as _written_at

    from deduplicated

)

select * from final
