"""Readers for the raw vendor exports that dbt's CSV readers cannot take as they are."""

from identity_stitching.loading.changes import FolderChanges, FolderUpdate, folder_changes
from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.flat import flat_exports_reader, flat_exports_update, read_flat_exports
from identity_stitching.loading.loaded_table import apply_changes, load_incrementally, loaded_files
from identity_stitching.loading.zoom import (
    read_zoom_attendee_reports,
    zoom_attendee_reports_reader,
    zoom_attendee_reports_update,
)

__all__ = [
    "FolderChanges",
    "FolderUpdate",
    "SchemaDriftError",
    "apply_changes",
    "flat_exports_reader",
    "flat_exports_update",
    "folder_changes",
    "load_incrementally",
    "loaded_files",
    "read_flat_exports",
    "read_zoom_attendee_reports",
    "zoom_attendee_reports_reader",
    "zoom_attendee_reports_update",
]
