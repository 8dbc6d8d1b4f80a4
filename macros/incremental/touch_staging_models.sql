{#- The staging models of the touch sources: the roots of the touch chain's
    models downstream of staging. -#}
{% macro touch_staging_models() %}
    {{ return([
        'stg_zoom__webinar_attendees',
        'stg_ringcentral__calls',
        'stg_offline__touches',
    ]) }}
{% endmacro %}
