{#- The source registry (var identity__sources in dbt_project.yml): every
    source the project reads, as dicts (see dbt_project.yml for the keys).
    `kind`: 'touch' for the touch sources, 'user' for the product users'
    (no touch_model), none for all. -#}
{% macro registered_sources(kind=none) %}
    {%- set sources = [] -%}
    {%- for source in var('identity__sources') -%}
        {%- if kind is none
            or (kind == 'touch' and source.touch_model)
            or (kind == 'user' and not source.touch_model) -%}
            {%- do sources.append(source) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(sources) }}
{% endmacro %}

{#- The models of the touch sources whose rows are in the touch contract:
    what int_touches_unioned stacks. -#}
{% macro touch_models() %}
    {{ return(registered_sources('touch') | map(attribute='touch_model') | list) }}
{% endmacro %}

{#- The event types a source's touches can have (the values of its
    event_types vars). -#}
{% macro registered_event_types() %}
    {%- set types = [] -%}
    {%- for source in registered_sources('touch') -%}
        {%- for name in source.event_types -%}
            {%- do types.append(var(name)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(types) }}
{% endmacro %}
