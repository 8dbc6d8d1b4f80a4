{#- md5 of everything in this project that decides what a model computes:
    every model's and seed's file checksum, every project macro's text, the
    value of every var and env var the models and macros read, the hash
    scheme and key fingerprint of the session (hash_key_current: Jinja never
    reads the key), and the dbt version. An incremental model built under
    another fingerprint is rebuilt, so a changed rule never leaves older
    rows computed the old way. Macros are reached through a macro's context
    (the graph lists nodes, not macros). -#}
{% macro project_logic_fingerprint() %}
    {%- set parts = ['dbt ' ~ dbt_version] -%}
    {%- set texts = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id')
        if node.package_name == project_name
        and node.resource_type in ('model', 'seed') -%}
        {%- do parts.append(node.unique_id ~ ' ' ~ node.checksum.checksum) -%}
        {%- do texts.append(node.raw_code or '') -%}
    {%- endfor -%}
    {%- set macros = project_logic_fingerprint.context -%}
    {%- for name in macros.keys() | sort -%}
        {%- set candidate = macros[name] -%}
        {%- if candidate.macro is defined
            and candidate.macro.package_name == project_name -%}
            {%- do parts.append(name ~ ' ' ~ local_md5(candidate.macro.macro_sql)) -%}
            {%- do texts.append(candidate.macro.macro_sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set code = texts | join('\n') -%}
    {#- vars that decide no row: permission to change the hash key (the key's
        own change is in the fingerprint below), and where the raw and export
        folders are (the loaders keep file paths relative to the raw folder,
        so a moved folder or a new runner's work directory is no change) -#}
    {%- set ignored_vars = [
        'identity__allow_hash_key_change',
        'identity__raw_path',
        'identity__export_path',
    ] -%}
    {%- for name in modules.re.findall("\\bvar\\(\\s*['\"]([A-Za-z0-9_]+)['\"]", code) | unique | sort
        if name not in ignored_vars -%}
        {%- do parts.append('var ' ~ name ~ ' ' ~ tojson(var(name, none))) -%}
    {%- endfor -%}
    {%- for name in modules.re.findall("\\benv_var\\(\\s*['\"]([A-Za-z0-9_]+)['\"]", code) | unique | sort -%}
        {#- hashed: an env var may be a secret -#}
        {%- do parts.append('env ' ~ name ~ ' ' ~ local_md5(env_var(name, ''))) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- set hash_key = hash_key_current() -%}
        {%- do parts.append('hash ' ~ hash_key.version ~ ' ' ~ hash_key.fingerprint) -%}
    {%- endif -%}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}
