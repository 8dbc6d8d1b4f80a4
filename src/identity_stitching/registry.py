"""The source registry: the one list of what the project reads.

It is declared once, as the dbt var `identity__sources` in dbt_project.yml.
dbt models read it with `var()`, the Python loaders from their model config,
and scripts and tests from dbt_project.yml through `read_registry`.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Source:
    """One source of raw exports (see dbt_project.yml, identity__sources)."""

    name: str
    folder: str
    loader: str
    base_model: str
    staging_model: str
    touch_model: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_country: str | None = None
    event_types: list = field(default_factory=list)
    columns: dict | None = None  # loader `flat`: header as exported -> loaded column
    required_columns: list | None = None  # loader `flat`: loaded columns a row needs (default: all)

    @property
    def is_touch_source(self):
        return self.touch_model is not None


def sources_from(entries):
    """Source objects of the registry's entries (a list of dicts)."""
    return [Source(**entry) for entry in entries]


def read_registry(project_dir=PROJECT_DIR):
    """The registry as dbt_project.yml declares it."""
    with open(Path(project_dir) / "dbt_project.yml", encoding="utf-8") as file:
        project = yaml.safe_load(file)
    return sources_from(project["vars"]["identity__sources"])


def source_named(name, project_dir=PROJECT_DIR):
    return next(source for source in read_registry(project_dir) if source.name == name)
