{# 'device_id already linked to another user_id' when the row's device was
   exported with a different user (the relation `exported_links` holds
   device_id, user_id pairs), or when this batch itself gives the device two
   users. Amplitude would merge them for good. #}
{% macro amplitude_link_conflict(row, exported_links) -%}
    case
        when {{ row }}.user_id is null or {{ row }}.device_id is null then null
        when min({{ row }}.user_id) over (partition by {{ row }}.device_id)
            <> max({{ row }}.user_id) over (partition by {{ row }}.device_id)
            then 'device_id would be linked to two user_ids in one run'
        {%- if exported_links is not none %}
        when exists (
            select 1
            from {{ exported_links }} as exported_links
            where exported_links.device_id = {{ row }}.device_id
                and exported_links.user_id is not null
                and exported_links.user_id <> {{ row }}.user_id
        ) then 'device_id already exported with another user_id'
        {%- endif %}
    end
{%- endmacro %}
