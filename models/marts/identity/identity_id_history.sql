{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# One row per retirement of a person id: the run in which a person that had
   been handed an id (int_person_ids_registry) was found inside another
   person, which survives. The survivor is the older id, so a row reads
   "retired -> survivor, when, why". Append-only and kept on
   --full-refresh. When a survivor is itself retired later, a new row maps
   the first id to the new survivor as well: the latest row per retired id
   names its person now. #}
with

registry as (

    select * from {{ ref('int_person_ids_registry') }}

),

clustered as (

    select * from {{ ref('int_identifiers_clustered') }}

),

{# The survivor's anchor and registration come from the retired anchor's own
   row, which is in the survivor: every row of a person carries them (a
   distinct over every person cost 2.5 s an incremental run at 10M). #}
retired as (

    select
        registry.person_id as retired_person_id,
        registry.device_id as retired_device_id,
        clustered.person_id as survivor_person_id,
        clustered.device_id as survivor_device_id,
        registry.anchor_identifier_id as retired_anchor_identifier_id,
        clustered.anchor_identifier_id as survivor_anchor_identifier_id,
        case
            when registry.device_id is null and clustered.device_id is not null
                then 'reanchored: the person gained an email or phone, which now names it' -- noqa: LT05
            else 'merged: new evidence joined it to an older person, whose ids survive' -- noqa: LT05
        end as reason,
        registry.registered_at as retired_registered_at,
        clustered.person_registered_at as survivor_registered_at

    from registry
    inner join clustered
        on registry.anchor_identifier_id = clustered.identifier_id
    where clustered.person_id <> registry.person_id
    {#- erasure hook (docs/erasure.md): the persons an erasure split #}
    {%- if target.type != 'spark' %}

    union all

    select * from {{ ref('privacy_erasure_splits') }}
    {%- endif %}

),

new_rows as (

    select retired.*
    from retired
    {% if is_incremental() %}
    left join {{ this }} as recorded
        on retired.retired_person_id = recorded.retired_person_id
        and retired.survivor_person_id = recorded.survivor_person_id
    where recorded.retired_person_id is null
    {% endif %}

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "'retired|' || retired_person_id || '|' || survivor_person_id"
        ) }} as id_history_id,
        retired_person_id,
        retired_device_id,
        survivor_person_id,
        survivor_device_id,
        retired_anchor_identifier_id,
        survivor_anchor_identifier_id,

        ---------- strings
        reason,
        '{{ invocation_id }}' as retired_by_invocation_id,

        ---------- timestamps
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as {{ dbt.type_timestamp() }}
        ) as retired_at,
        retired_registered_at,
        survivor_registered_at

    from new_rows

)

select * from final
