{#- What a Zoom report time looks like, for the reason of a row whose time
    does not parse; numeric dates in `date_order` (MDY or DMY). -#}
{% macro zoom_report_time_hint(date_order) %}
    {%- set example_date = '22/03/2025' if date_order | upper == 'DMY' else '03/22/2025' -%}
    {{ return(
        "expected a Zoom report time such as"
        ~ " 'Mar 22, 2025 7:13 PM', 'Mar 22, 2025 19:13:27' or '"
        ~ example_date ~ " 07:13:27 PM' (identity__zoom_date_order: "
        ~ date_order | upper ~ ")"
    ) }}
{% endmacro %}
