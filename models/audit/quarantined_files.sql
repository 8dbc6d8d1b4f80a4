{# One row per raw file with data rows: how many rows were read, how many
   were rejected whole, and why most often. A file that yields no usable row,
   or whose rejected share exceeds var identity__max_rejected_share, stops
   the build here, before anything is exported (fail_on_mass_rejection: the
   export gate depends on this model); a smaller share warns. Files listed in
   var identity__accepted_rejected_files are reported, never stopped. #}
{# after the commit, so that the table is there to query when it stops #}
{{ config(post_hook=[
    {'sql': '{{ fail_on_mass_rejection() }}', 'transaction': false},
]) }}
with

{% for source in registered_sources() %}
{{ source.name }}_read as (

    select
        '{{ source.name }}' as source_system,
        source_file,
        count(*) as rows_read

    {# erasure hook: rows an erasure removed count as read (docs/erasure.md) #}
    from {{ rows_read_with_erased(source) }} as read_rows
    group by 1, 2

),

{{ source.name }}_rejected as (

    select
        '{{ source.name }}' as source_system,
        source_file,
        row_rejection_reason as reason,
        count(*) as rows_rejected

    from {{ ref(source.staging_model) }}
    where row_rejection_reason is not null
    group by 1, 2, 3

),

{% endfor %}
files_read as (

    {% for source in registered_sources() %}
    select * from {{ source.name }}_read
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

reasons as (

    {% for source in registered_sources() %}
    select * from {{ source.name }}_rejected
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

ranked_reasons as (

    select
        *,
        row_number() over (
            partition by source_system, source_file
            order by rows_rejected desc, reason asc
        ) as reason_rank

    from reasons

),

rejections as (

    select
        source_system,
        source_file,
        sum(rows_rejected) as rows_rejected,
        {{ dbt.listagg(
            "reason || ' (' || cast(rows_rejected as "
            ~ dbt.type_string() ~ ") || ')'",
            "'; '",
            "order by reason_rank",
        ) }} as top_reasons

    from ranked_reasons
    where reason_rank <= 3
    group by 1, 2

),

totals as (

    select
        source_system,
        source_file,
        sum(rows_rejected) as rows_rejected

    from reasons
    group by 1, 2

),

final as (

    select
        ---------- strings
        files_read.source_system,
        files_read.source_file,
        rejections.top_reasons,

        ---------- numerics
        files_read.rows_read,
        coalesce(totals.rows_rejected, 0) as rows_rejected,
        coalesce(totals.rows_rejected, 0) * 1.0 / files_read.rows_read
            as rejected_share,

        ---------- booleans
        coalesce(totals.rows_rejected, 0) = files_read.rows_read
        or coalesce(totals.rows_rejected, 0) * 1.0 / files_read.rows_read
        > {{ var('identity__max_rejected_share') }} as is_mass_rejection

    from files_read
    left join totals
        on files_read.source_system = totals.source_system
        and files_read.source_file = totals.source_file
    left join rejections
        on files_read.source_system = rejections.source_system
        and files_read.source_file = rejections.source_file

)

select * from final
