"""Loading a registered source: the registry's `loader` names a reader here.

A reader is `update(raw_path, folder, loaded) -> FolderUpdate`: the rows of
the files under `raw_path/folder` that `loaded` lacks, and the changes to
make to a table holding the `loaded` ones (see changes.py).
"""

from functools import partial

from identity_stitching.loading.flat import flat_exports_update
from identity_stitching.loading.layouts import registry_flat_source
from identity_stitching.loading.loaded_table import load_incrementally
from identity_stitching.loading.zoom import zoom_attendee_reports_update
from identity_stitching.registry import sources_from


def _flat(layout_name):
    def update(raw_path, folder, loaded=frozenset()):
        return flat_exports_update(raw_path, layout_name, loaded, folder=folder)

    return update


def _zoom_reports(raw_path, folder, loaded=frozenset(), date_order="MDY"):
    return zoom_attendee_reports_update(raw_path, loaded, folder=folder, date_order=date_order)


LOADERS = {
    "zoom_reports": _zoom_reports,
    "ringcentral_call_log": _flat("ringcentral_call_log"),
}


def source_update(raw_path, source, loaded=frozenset(), **options):
    """The FolderUpdate of one registered source.

    Loader `flat` reads a one-header CSV whose layout is the entry's
    `columns` (header as exported -> loaded column) and `required_columns`
    (layouts.registry_flat_source); any other loader is a reader of LOADERS,
    for the vendor files that need code, and takes `options` from its base
    model's config (Zoom: date_order).
    """
    if source.loader == "flat":
        return flat_exports_update(raw_path, registry_flat_source(source), loaded, folder=source.folder)
    return LOADERS[source.loader](raw_path, source.folder, loaded, **options)


def read_source(raw_path, source, **options):
    """Every row of a registered source's folder, as an Arrow table."""
    return source_update(raw_path, source, **options).reader.read_all()


def load_registered_source(dbt, session, raw_path, registry, **options):
    """The reader of a base model: the registered source whose base_model it is.

    `raw_path` and `registry` (var identity__sources) come from the model's
    config, and so do `options` for the source's reader.
    """
    name = dbt.this.identifier
    source = next((s for s in sources_from(registry) if s.base_model == name), None)
    if source is None:
        raise ValueError(f"{name} is not the base_model of any source in var identity__sources")
    return load_incrementally(dbt, session, partial(source_update, raw_path, source, **options))


__all__ = ["LOADERS", "load_registered_source", "read_source", "source_update"]
