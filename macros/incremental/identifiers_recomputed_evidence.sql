{#- For an append of int_identifiers: the CTEs it reads instead of the
    whole evidence, each followed by a comma. `evidence` holds the rows of
    the identifiers it recomputes (`affected`), `record_evidence` the emails
    of the records holding one of those phones; `previous` is the table as
    it was (node ids, verdicts, marks) and `vanished` the affected
    identifiers left in no record.
    An identifier's facts depend only on the records that hold it, so the
    affected ones are those in a record rewritten since the last build
    (int_identifiers_unioned replaced it) and those that can have left one:
    a rewritten product user's owned or shared identifiers, and, only when
    the rewritten touch records held evidence before
    (touch_evidence_replaced), every identifier now held by another number
    of records. -#}
{% macro identifiers_recomputed_evidence(scope) %}
{%- set all_evidence = ref('int_identifiers_unioned') -%}
{%- set touches_replaced = touch_evidence_replaced(scope) -%}
{%- if touches_replaced != 0 -%}
    {%- do log(this ~ ': rewritten touch records held ' ~ touches_replaced
        ~ ' evidence rows; every record count is compared', info=True) -%}
{%- endif -%}
previous as (

    select
        identifier_id,
        node_id,
        owner_user_id,
        record_count,
        distinct_user_count,
        is_shared,
        _shared_changed_at

    from {{ this }}

),

rewritten_records as (

    {{ identity_records_loaded_since(scope) }}

),

{# In a rewritten record now; or in a rewritten product user's record
   before: owned by that user, or shared (its owner is not kept), since
   only identifiers of users' records count users. #}
affected as (

    select identifier_id
    from {{ all_evidence }} as all_evidence
    where {{ loaded_since_scope(scope) }}

    union

    select identifier_id
    from previous
    where distinct_user_count > 0
        and (
            owner_user_id is null
            or 'user:' || owner_user_id in (
                select record_id from rewritten_records
            )
        )
    {%- if touches_replaced != 0 %}

    union

    {# held by another number of records than at the last build: it left a
       rewritten touch record #}
    select coalesce(record_counts_now.identifier_id, previous.identifier_id)
    from (
        select
            identifier_id,
            count(*) as record_count

        from {{ all_evidence }} as all_evidence
        group by 1
    ) as record_counts_now
    full outer join previous
        on record_counts_now.identifier_id = previous.identifier_id
    where record_counts_now.record_count
        is distinct from previous.record_count
    {%- endif %}

),

{# The affected identifiers' rows, and the other rows of their records
   (a record's user and emails count for each of its identifiers). #}
evidence as (

    select *
    from {{ all_evidence }} as all_evidence
    where identifier_id in (select identifier_id from affected)

),

record_evidence as (

    select *
    from {{ all_evidence }} as all_evidence
    where identifier_type = 'email'
        and record_id in (
            select record_id
            from evidence
            where identifier_type = 'phone'
        )

),

{# Left every record: written with record_count 0, which the post-hook
   deletes (delete+insert only replaces the keys it writes). #}
vanished as (

    select affected.identifier_id
    from affected
    inner join previous
        on affected.identifier_id = previous.identifier_id
    where not exists (
        select 1
        from evidence
        where evidence.identifier_id = affected.identifier_id
    )

),
{%- endmacro %}
