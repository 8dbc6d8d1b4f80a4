"""Project rules checked over dbt's manifest (the dbt-project-evaluator rules that work offline).

Usage: python scripts/check_project.py [path/to/manifest.json]
Exits 1 and lists every violation; exceptions live in scripts/check_project_exceptions.csv.
"""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = {
    "staging": ("stg_", "base_"),
    "intermediate": ("int_",),
    "marts": ("dim_", "fct_", "identity_"),
    "exports": ("export_",),
    "audit": ("quarantined_",),
    "qa": ("qa_",),
    "privacy": ("privacy_",),
    "report": ("rpt_",),
}


def load_exceptions():
    path = ROOT / "scripts" / "check_project_exceptions.csv"
    with path.open(newline="") as handle:
        return {(row["rule"], row["model"]) for row in csv.DictReader(handle)}


def project_models(manifest):
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == "identity_stitching":
            yield node


def tests_by_model(manifest):
    """model unique_id -> list of (test name, column or None, kwargs)."""
    tests = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        metadata = node["test_metadata"]
        for parent in node["depends_on"]["nodes"]:
            tests.setdefault(parent, []).append(
                (metadata["name"], node.get("column_name"), metadata.get("kwargs", {}))
            )
    return tests


def check_primary_key(model, tests):
    """A column tested unique and not_null, a tested unique combination, or a key the model guards itself
    (meta.unique_guard: incremental_unique_guard checks the rows each run writes)."""
    if (model.get("config", {}).get("meta") or {}).get("unique_guard"):
        return None
    names = tests.get(model["unique_id"], [])
    unique = {column for name, column, _ in names if name == "unique"}
    not_null = {column for name, column, _ in names if name == "not_null"}
    if unique & not_null:
        return None
    if any(name == "unique_combination_of_columns" for name, _, _ in names):
        return None
    return "no primary key tested unique and not_null"


def check_description(model):
    description = (model.get("description") or "").strip()
    if not description:
        return "no description"
    if not description.lower().startswith("one row per"):
        return "description does not start by stating the grain ('One row per ...')"
    return None


def check_folder_prefix(model):
    parts = Path(model["original_file_path"]).parts
    layer = parts[1] if len(parts) > 2 else None
    allowed = PREFIXES.get(layer)
    if allowed and not model["name"].startswith(allowed):
        return f"{layer} model name should start with one of {', '.join(allowed)}"
    return None


def check_no_pii_outside_staging(model):
    layer = Path(model["original_file_path"]).parts[1]
    if layer in ("staging", "qa"):
        return None
    pii = [
        name
        for name, column in model["columns"].items()
        if (column.get("config", {}).get("meta") or column.get("meta") or {}).get("pii")
    ]
    if pii:
        return f"PII columns outside staging: {', '.join(pii)}"
    return None


def check_exports_contracted(model):
    if Path(model["original_file_path"]).parts[1] != "exports":
        return None
    if model["language"] != "sql" or model["name"].endswith(("__review",)):
        return None
    config = model["config"]
    if config.get("access", model.get("access")) != "public":
        return "export model is not public"
    if not config.get("contract", {}).get("enforced"):
        return "export model has no enforced contract"
    return None


RULES = {
    "primary_key": lambda model, tests: check_primary_key(model, tests),
    "description": lambda model, tests: check_description(model),
    "folder_prefix": lambda model, tests: check_folder_prefix(model),
    "no_pii_outside_staging": lambda model, tests: check_no_pii_outside_staging(model),
    "exports_contracted": lambda model, tests: check_exports_contracted(model),
}


def violations(manifest):
    exceptions = load_exceptions()
    tests = tests_by_model(manifest)
    found = []
    for model in sorted(project_models(manifest), key=lambda node: node["name"]):
        for rule, check in RULES.items():
            if (rule, model["name"]) in exceptions:
                continue
            problem = check(model, tests)
            if problem:
                found.append((rule, model["name"], problem))
    return found


def main(argv):
    manifest_path = Path(argv[1]) if len(argv) > 1 else ROOT / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    found = violations(manifest)
    for rule, model, problem in found:
        print(f"{rule}: {model}: {problem}")
    print(f"{len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
