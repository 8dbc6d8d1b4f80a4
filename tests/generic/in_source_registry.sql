{# Fails with one row per value of the column that names no source of the
   registry (var identity__sources); `kind` 'touch' admits only the touch
   sources. The list of sources lives in one place, not in each test. #}
{% test in_source_registry(model, column_name, kind=none) %}

select {{ column_name }} as unregistered_source
from {{ model }}
where {{ column_name }} not in (
    {%- for source in registered_sources(kind) %}
    '{{ source.name }}'{% if not loop.last %},{% endif %}
    {%- endfor %}
)
group by 1

{% endtest %}
