"""Project rules checked over dbt's manifest (the dbt-project-evaluator rules that work offline).

Usage: python scripts/check_project.py [path/to/manifest.json] [--coverage [--raise-floor]]
Exits 1 and lists every violation; exceptions live in scripts/check_project_exceptions.csv.
--coverage: the documentation coverage (see coverage()) against the floors in
scripts/coverage_floor.json; exits 1 when a figure is below its floor. --raise-floor writes the
figures that are above their floor into the file: a floor only ever rises.
"""

import argparse
import csv
import json
import math
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


MAX_MODEL_LINES = 150


def check_model_size(model):
    """A model reads as its rule: a step of its own becomes a model, plumbing a macro (CONTRIBUTING.md)."""
    lines = len((model.get("raw_code") or "").splitlines())
    if lines > MAX_MODEL_LINES:
        return f"{lines} lines, more than {MAX_MODEL_LINES}: split a step into its own model or a macro"
    return None


# How a model reads a relation outside the DAG: by name, in SQL, or named in its config (a Python model).
READS_BY_NAME = ("adapter.get_relation(", "last_build_relation(")


def check_reads_only_the_dag(model):
    """Every relation a model reads is a ref or source, or its own earlier rows ({{ this }})."""
    named = [marker for marker in READS_BY_NAME if marker in (model.get("raw_code") or "")]
    named += [f"config {key}" for key in model["config"] if key.endswith("_relation")]
    if named:
        return f"reads a relation by name ({', '.join(named)}): ref it, or keep the state in the model ({{{{ this }}}})"
    return None


RULES = {
    "primary_key": lambda model, tests: check_primary_key(model, tests),
    "description": lambda model, tests: check_description(model),
    "folder_prefix": lambda model, tests: check_folder_prefix(model),
    "no_pii_outside_staging": lambda model, tests: check_no_pii_outside_staging(model),
    "exports_contracted": lambda model, tests: check_exports_contracted(model),
    "model_size": lambda model, tests: check_model_size(model),
    "reads_only_the_dag": lambda model, tests: check_reads_only_the_dag(model),
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


FLOOR_PATH = ROOT / "scripts" / "coverage_floor.json"
DOCUMENTED_LAYERS = ("marts", "exports")  # every column of these is described


def _has_description(node):
    return bool((node.get("description") or "").strip())


def coverage(manifest):
    """{figure: (covered, total)} over the manifest alone (no build needed, so `make lint` runs it).
    Columns are those the YAML declares; dbt-coverage over a catalog counts the warehouse's
    columns (CONTRIBUTING.md, "Documentation coverage")."""
    models = list(project_models(manifest))
    macros = [macro for macro in manifest["macros"].values() if macro["package_name"] == "identity_stitching"]
    seeds = [node for node in manifest["nodes"].values()
             if node["resource_type"] == "seed" and node["package_name"] == "identity_stitching"]
    unit_tested = {node["model"] for node in manifest.get("unit_tests", {}).values()}
    columns = {"all": [0, 0], "marts_exports": [0, 0]}
    for model in models:
        described = {name.lower() for name, column in model["columns"].items() if _has_description(column)}
        names = {name.lower() for name in model["columns"]}
        groups = ["all"] + (["marts_exports"] if Path(model["original_file_path"]).parts[1] in DOCUMENTED_LAYERS else [])
        for group in groups:
            columns[group][0] += len(names & described)
            columns[group][1] += len(names)
    owned = lambda nodes: sum(1 for node in nodes if (node["config"].get("meta") or {}).get("owner"))  # noqa: E731
    return {
        "macros_described": (sum(1 for macro in macros if _has_description(macro)), len(macros)),
        "models_owned": (owned(models), len(models)),
        "seeds_owned": (owned(seeds), len(seeds)),
        "columns_described": tuple(columns["all"]),
        "mart_and_export_columns_described": tuple(columns["marts_exports"]),
        "models_unit_tested": (sum(1 for model in models if model["name"] in unit_tested), len(models)),
    }


def check_coverage(figures, floors):
    """Lines to print and whether every figure is at or above its floor."""
    lines, ok = [], True
    raised = raised_floors(figures, floors)
    for name, (covered, total) in figures.items():
        share = covered / total if total else 1.0
        floor = floors.get(name, 0.0)
        status = "ok" if share >= floor else "BELOW FLOOR"
        if raised[name] > floor:
            status += " (above the floor: --raise-floor)"
        ok &= share >= floor
        lines.append(f"{name}: {covered}/{total} = {share:.1%}, floor {floor:.1%}: {status}")
    return lines, ok


def raised_floors(figures, floors):
    """The floors with each figure above its floor moved up to it; none ever goes down."""
    raised = dict(floors)
    for name, (covered, total) in figures.items():
        share = math.floor(covered / total * 10000) / 10000 if total else 1.0  # never above the figure
        raised[name] = max(floors.get(name, 0.0), share)
    return raised


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", nargs="?", type=Path, default=ROOT / "target" / "manifest.json")
    parser.add_argument("--coverage", action="store_true", help="check documentation coverage against its floors")
    parser.add_argument("--raise-floor", action="store_true", help="raise the floors to the figures measured")
    options = parser.parse_args(argv[1:])
    manifest = json.loads(options.manifest.read_text())
    if options.coverage:
        figures = coverage(manifest)
        floors = json.loads(FLOOR_PATH.read_text())
        if options.raise_floor:
            floors = raised_floors(figures, floors)
            FLOOR_PATH.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
        lines, ok = check_coverage(figures, floors)
        print("\n".join(lines))
        return 0 if ok else 1
    found = violations(manifest)
    for rule, model, problem in found:
        print(f"{rule}: {model}: {problem}")
    print(f"{len(found)} violation(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
