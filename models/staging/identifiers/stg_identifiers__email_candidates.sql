{# Every distinct raw email of every registered source that carries one, with
   the load time of its first sight. A table, rebuilt on every run: its
   incremental path saved nothing measurable (docs/incremental.md). #}
with

raw_emails as (

    {% for source in registered_sources() if source.email %}
    select
        {{ source.email }} as email_raw,
        _loaded_at

    from {{ engine_ref(source.base_model, before_erasure=true) }}
    where load_error is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        email_raw,
        min(_loaded_at) as _loaded_at

    from raw_emails
    where nullif(trim(email_raw), '') is not null
    group by 1

)

select * from final
