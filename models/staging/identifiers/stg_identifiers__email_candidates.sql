{# Every distinct raw email of every registered source that carries one, with
   the load time of its first sight. Incremental on DuckDB: a run adds the
   values first seen in rows loaded since its last build (a removed file, or
   a changed seed, macro or var, rebuilds it), like the phone candidates. #}
{{ config(**incremental_chain_config(identifier_source_models('email'))) }}
{% set scope = incremental_scope() %}
with

raw_emails as (

    {% for source in registered_sources() if source.email %}
    select
        {{ source.email }} as email_raw,
        _loaded_at

    from {{ engine_ref(source.base_model, before_erasure=true) }}
    where load_error is null
        and {{ loaded_since_scope(scope) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        email_raw,
        min(_loaded_at) as _loaded_at

    from raw_emails
    where nullif(trim(email_raw), '') is not null
    {%- if scope.mode == 'append' %}
        and {{ absent_from_this('raw_emails', ['email_raw']) }}
    {%- endif %}
    group by 1

)

select * from final
