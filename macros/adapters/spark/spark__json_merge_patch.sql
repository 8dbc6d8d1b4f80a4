{# Top-level keys only (a nested object in the patch replaces the target's,
   where DuckDB's json_merge_patch merges it); returns JSON text. Either
   argument may be JSON text or a VARIANT. #}
{% macro spark__json_merge_patch(target, patch) -%}
    to_json(map_concat(
        map_filter(
            from_json(cast({{ target }} as string), 'map<string, variant>'),
            (key, value) -> not array_contains(
                map_keys(from_json(cast({{ patch }} as string), 'map<string, variant>')), key
            )
        ),
        from_json(cast({{ patch }} as string), 'map<string, variant>')
    ))
{%- endmacro %}
