{#- The time columns of a Zoom row, as (loaded column, parsed column, the
    column as the file names it). A value that is there (not empty, not
    Zoom's `--`) but does not parse rejects the row. -#}
{% macro zoom_report_times() %}
    {{ return([
        ('webinar_started_at', 'webinar_started_at_utc', 'Actual Start Time'),
        ('webinar_scheduled_at', 'webinar_scheduled_at_utc', 'Scheduled Time'),
        ('meeting_started_at', 'meeting_started_at_utc', 'Start Time'),
        ('registration_time', 'registered_at', 'Registration Time'),
        ('join_time', 'joined_at', 'Join Time'),
        ('leave_time', 'left_at', 'Leave Time'),
    ]) }}
{% endmacro %}
