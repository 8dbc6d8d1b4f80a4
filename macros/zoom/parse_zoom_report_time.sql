{#- A Zoom report time (one of zoom_report_time_formats, numeric dates in
    the order of var identity__zoom_date_order) read in var
    identity__zoom_timezone, as a UTC timestamp; null for an empty value,
    Zoom's `--`, or text that does not parse. -#}
{% macro parse_zoom_report_time(expr) %}
    {{ return(parse_local_timestamp(
        "nullif(trim(" ~ expr ~ "), '--')",
        zoom_report_time_formats(var('identity__zoom_date_order')),
        var('identity__zoom_timezone')
    )) }}
{% endmacro %}
