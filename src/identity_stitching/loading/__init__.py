"""Readers for the raw vendor exports that dbt's CSV readers cannot take as they are."""

from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.flat import read_flat_exports
from identity_stitching.loading.zoom import read_zoom_attendee_reports

__all__ = ["SchemaDriftError", "read_flat_exports", "read_zoom_attendee_reports"]
