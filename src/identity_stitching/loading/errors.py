"""Errors that stop a build before anything is exported."""


class SchemaDriftError(Exception):
    """A file's header is not the layout this project expects."""

    def __init__(self, path, missing, expected, found=None, hint=None):
        self.path = path
        self.missing = list(missing)
        self.expected = list(expected)
        self.found = None if found is None else list(found)
        found_text = "" if found is None else f" Found header: {', '.join(self.found) or '(none)'}."
        hint_text = f" {hint}" if hint else ""
        super().__init__(
            f"Schema drift in {path}: missing column(s) {', '.join(self.missing)}. "
            f"Expected layout: {', '.join(self.expected)}.{found_text}{hint_text} "
            "Fix the export (or move the file out of the raw folder) and rerun; "
            "nothing was exported."
        )
