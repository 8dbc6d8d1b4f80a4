{#- The select list that summarizes a person's touches (a group by
    person_id over int_touches_resolved rows). -#}
{% macro person_touch_aggregates() %}
        count(*) as touch_count,
        min(occurred_at) as first_touch_at,
        max(occurred_at) as last_touch_at,
        min_by(source_system, occurred_at) as first_touch_source,
        min_by(event_type, occurred_at) as first_touch_event_type
{% endmacro %}
