{# Nothing disappears between the raw files and staging: per source, every
   row the loader read (base_*) is staged exactly once, and a staged row is
   rejected exactly when quarantined_records holds it as a row-level
   rejection. One failing row per broken (source, file, row).
   Two steps, so that a run does not join every row of every file: per file,
   the row count and a checksum (sum of hashes) of the row numbers on each
   side; then row by row only in the files where a side differs. A row read
   or staged twice in both base and staging keeps the sums equal: the
   primary-key tests of base_* and stg_* catch that one.
   tests_py/test_quarantine_accounting.py checks the same against the raw
   files themselves, and that used rows reach the identity graph. #}
{# (source_system, base model, staging model) of every registered source #}
{% set sources = [] %}
{% for source in registered_sources() %}
    {% do sources.append(
        (source.name, source.base_model, source.staging_model)
    ) %}
{% endfor %}

with

quarantined_rows as (

    select
        source_system,
        source_file,
        source_row_number

    from {{ ref('quarantined_records') }}
    where rejected_column = 'row'

),

{# Per file and side, its rows counted and summed (a checksum of the row
   numbers), signed so that each balance is zero when the sides agree:
   base rows against staged rows, rejected rows against quarantined rows. #}
file_sides as (

    {% for source_system, base_model, staged_model in sources %}
    select
        '{{ source_system }}' as source_system,
        source_file,
        count(*) as staged_balance,
        sum(hash(source_row_number)) as staged_checksum,
        0 as quarantined_balance,
        0 as quarantined_checksum
    from {{ ref(base_model) }}
    group by 1, 2

    union all

    select
        '{{ source_system }}' as source_system,
        source_file,
        -count(*) as staged_balance,
        -sum(hash(source_row_number)) as staged_checksum,
        count(row_rejection_reason) as quarantined_balance,
        sum(
            case
                when row_rejection_reason is not null
                    then hash(source_row_number)
                else 0
            end
        ) as quarantined_checksum
    from {{ ref(staged_model) }}
    group by 1, 2

    union all

    {% endfor %}
    select
        source_system,
        source_file,
        0 as staged_balance,
        0 as staged_checksum,
        -count(*) as quarantined_balance,
        -sum(hash(source_row_number)) as quarantined_checksum
    from quarantined_rows
    group by 1, 2

),

{# A file whose sides do not balance is checked row by row. #}
files_to_check as (

    select
        source_system,
        source_file

    from file_sides
    group by 1, 2
    having sum(staged_balance) <> 0
        or sum(staged_checksum) <> 0
        or sum(quarantined_balance) <> 0
        or sum(quarantined_checksum) <> 0

),

{% for source_system, base_model, staged_model in sources %}
{% for side, model in [('base', base_model), ('staged', staged_model)] %}
{{ source_system }}_{{ side }}_checked as (

    select side_rows.*
    from {{ ref(model) }} as side_rows
    inner join files_to_check
        on side_rows.source_file = files_to_check.source_file
    where files_to_check.source_system = '{{ source_system }}'

),

{% endfor %}
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

    from {{ source_system }}_base_checked as base_rows
    full outer join {{ source_system }}_staged_checked as staged
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

checked_quarantined_rows as (

    select quarantined_rows.*
    from quarantined_rows
    inner join files_to_check
        on quarantined_rows.source_system = files_to_check.source_system
        and quarantined_rows.source_file = files_to_check.source_file

),

final as (

    select
        coalesce(
            accounted.source_system, checked_quarantined_rows.source_system
        ) as source_system,
        coalesce(
            accounted.source_file, checked_quarantined_rows.source_file
        ) as source_file,
        coalesce(
            accounted.source_row_number,
            checked_quarantined_rows.source_row_number
        ) as source_row_number,
        case
            when accounted.source_file is null then 'quarantined but never read'
            when accounted.base_count <> 1
                then 'read ' || accounted.base_count || ' times'
            when accounted.staged_count <> 1
                then 'staged ' || accounted.staged_count || ' times'
            when accounted.rejected_count = 1
                and checked_quarantined_rows.source_file is null
                then 'rejected in staging but not quarantined'
            when accounted.rejected_count = 0
                and checked_quarantined_rows.source_file is not null
                then 'quarantined but not rejected in staging'
        end as problem

    from accounted
    full outer join checked_quarantined_rows
        on accounted.source_system = checked_quarantined_rows.source_system
        and accounted.source_file = checked_quarantined_rows.source_file
        and accounted.source_row_number
        = checked_quarantined_rows.source_row_number

)

select * from final
where problem is not null
