"""Readers for the raw vendor exports that dbt's CSV readers cannot take as they are."""

from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.flat import flat_exports_reader, read_flat_exports
from identity_stitching.loading.zoom import read_zoom_attendee_reports, zoom_attendee_reports_reader

__all__ = [
    "SchemaDriftError",
    "flat_exports_reader",
    "read_flat_exports",
    "read_zoom_attendee_reports",
    "zoom_attendee_reports_reader",
]
