{#- Every time format Zoom has written since 2020, and Excel's re-saves, in
    the order tried: Mar 22, 2025 7:13 PM / Mar 22, 2025 19:13:27 /
    03/22/2025 07:13:27 PM / 03/22/2025 19:13:27 / 3/22/2025 19:13 /
    3/22/2025 7:13 PM, numeric dates in `date_order` (MDY or DMY). -#}
{% macro zoom_report_time_formats(date_order) %}
    {%- set numeric_date = '%d/%m/%Y' if date_order | upper == 'DMY' else '%m/%d/%Y' -%}
    {{ return([
        '%b %d, %Y %I:%M %p',
        '%b %d, %Y %H:%M:%S',
        '%b %d, %Y %I:%M:%S %p',
        '%b %d, %Y %H:%M',
        numeric_date ~ ' %I:%M:%S %p',
        numeric_date ~ ' %I:%M %p',
        numeric_date ~ ' %H:%M:%S',
        numeric_date ~ ' %H:%M',
        '%Y-%m-%d %H:%M:%S',
    ]) }}
{% endmacro %}
