{#- The base loaders whose rows carry a raw phone: the roots of the phone
    lookups. -#}
{% macro phone_source_models() %}
    {{ return([
        'base_zoom__attendee_report_rows',
        'base_ringcentral__call_log_rows',
        'base_app__user_rows',
        'base_offline__touch_rows',
    ]) }}
{% endmacro %}
