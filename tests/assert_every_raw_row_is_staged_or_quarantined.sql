{# Nothing disappears between the raw files and staging: per source, every
   row the loader read (base_*) is staged exactly once, and a staged row is
   rejected exactly when quarantined_records holds it as a row-level
   rejection. One failing row per broken (source, file, row).
   tests_py/test_quarantine_accounting.py checks the same against the raw
   files themselves, and that used rows reach the identity graph. #}
{% set sources = [
    ('zoom', 'base_zoom__attendee_report_rows', 'stg_zoom__webinar_attendees'),
    ('ringcentral', 'base_ringcentral__call_log_rows', 'stg_ringcentral__calls'),
    ('app', 'base_app__user_rows', 'stg_app__users'),
    ('offline', 'base_offline__touch_rows', 'stg_offline__touches'),
] %}

with

quarantined_rows as (

    select
        source_system,
        source_file,
        source_row_number

    from {{ ref('quarantined_records') }}
    where rejected_column = 'row'

),

{% for source_system, base_model, staged_model in sources %}
{{ source_system }}_accounted as (

    select
        '{{ source_system }}' as source_system,
        coalesce(base_rows.source_file, staged.source_file) as source_file,
        coalesce(
            base_rows.source_row_number, staged.source_row_number
        ) as source_row_number,
        count(base_rows.source_file) as base_count,
        count(staged.source_file) as staged_count,
        count(staged.row_rejection_reason) as rejected_count

    from {{ ref(base_model) }} as base_rows
    full outer join {{ ref(staged_model) }} as staged
        on base_rows.source_file = staged.source_file
        and base_rows.source_row_number = staged.source_row_number
    group by 1, 2, 3

),

{% endfor %}

accounted as (

    {% for source_system, base_model, staged_model in sources %}
    select * from {{ source_system }}_accounted
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        coalesce(
            accounted.source_system, quarantined_rows.source_system
        ) as source_system,
        coalesce(
            accounted.source_file, quarantined_rows.source_file
        ) as source_file,
        coalesce(
            accounted.source_row_number, quarantined_rows.source_row_number
        ) as source_row_number,
        case
            when accounted.source_file is null then 'quarantined but never read'
            when accounted.base_count <> 1
                then 'read ' || accounted.base_count || ' times'
            when accounted.staged_count <> 1
                then 'staged ' || accounted.staged_count || ' times'
            when accounted.rejected_count = 1
                and quarantined_rows.source_file is null
                then 'rejected in staging but not quarantined'
            when accounted.rejected_count = 0
                and quarantined_rows.source_file is not null
                then 'quarantined but not rejected in staging'
        end as problem

    from accounted
    full outer join quarantined_rows
        on accounted.source_system = quarantined_rows.source_system
        and accounted.source_file = quarantined_rows.source_file
        and accounted.source_row_number = quarantined_rows.source_row_number

)

select * from final
where problem is not null
