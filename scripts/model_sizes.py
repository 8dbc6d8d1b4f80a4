"""Lines per model and the share of them that is plumbing, as a Markdown table.

Usage: python scripts/model_sizes.py [--over N] [--edges target/manifest.json] [project folder]

A line is plumbing when it serves the incremental state rather than the model's rule:
- it is inside the branch of a Jinja `if` taken only on an incremental run (a condition naming
  `scope.mode` = 'append', `is_incremental()` or `since`), the lines of that branch included;
- or it names the state machinery: a macro of `macros/incremental/` (incremental_scope,
  loaded_since_scope, incremental_chain_config, the write and read marks ...), `{{ this }}`, a relation looked up by name
  (adapter.get_relation, load_relation, run_query), a `-- depends_on` edge, a mark column (`_written_at`,
  `_resolved_at`, `_clustered_at`, `_person_changed_at`, `_shared_changed_at`), or an incremental config
  key (unique_key, incremental_strategy, on_schema_change, materialized='incremental').
Comments count as lines of the model, and as plumbing only inside a plumbing branch.

--edges reads the manifest of a build (compiled SQL) and lists the model-to-model edges whose parent the
model's compiled SQL never names: edges that exist only for hooks or Jinja reading state at run time.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\(")
OTHER_STATE_TOKENS = (
    r"\{\{\s*this\s*\}\}|get_relation|load_relation|last_build_relation|run_query|--\s*depends_on|"
    r"_written_at|_resolved_at|_clustered_at|_person_changed_at|_shared_changed_at|amplitude_gate_since|"
    r"unique_key|incremental_strategy|on_schema_change|materialized\s*=\s*'incremental'"
)


def state_tokens(project):
    """The names of the incremental mechanism's macros (macros/incremental/) and the other state tokens."""
    names = sorted({name for path in (project / "macros" / "incremental").glob("*.sql")
                    for name in MACRO.findall(path.read_text())})
    return re.compile(r"\b(" + "|".join(names) + r")\b|" + OTHER_STATE_TOKENS)


APPEND_CONDITION = re.compile(r"scope\.mode\s*==\s*'append'|is_incremental\(\)|since is not none")
IF_OPEN = re.compile(r"\{%-?\s*if\b(.*?)-?%\}")
IF_CLOSE = re.compile(r"\{%-?\s*endif\s*-?%\}")
ELSE = re.compile(r"\{%-?\s*(else|elif\b.*?)\s*-?%\}")


def plumbing_lines(text, tokens):
    """The indexes of the plumbing lines of a model's text."""
    plumbing, stack = set(), []  # stack: is each open `if` branch an incremental-only branch?
    for index, line in enumerate(text.splitlines()):
        in_branch = any(stack)
        for match in IF_OPEN.finditer(line):
            stack.append(bool(APPEND_CONDITION.search(match.group(1))))
        other = ELSE.search(line)
        if other and stack:  # an elif on the incremental run is plumbing too; an else is the rebuild's rule
            stack[-1] = bool(APPEND_CONDITION.search(other.group(1)))
        if in_branch or any(stack) or tokens.search(line):
            plumbing.add(index)
        for _ in IF_CLOSE.finditer(line):
            if stack:
                stack.pop()
    return plumbing


def sizes(project):
    rows, tokens = [], state_tokens(project)
    for path in sorted((project / "models").rglob("*.sql")):
        text = path.read_text()
        lines = len(text.splitlines())
        rows.append({"model": path.stem, "path": str(path.relative_to(project)), "lines": lines,
                     "plumbing": len(plumbing_lines(text, tokens))})
    return rows


def state_only_edges(manifest_path):
    """(edges between project models, [(parent, child)] whose parent the child's compiled SQL never names)."""
    manifest = json.loads(Path(manifest_path).read_text())
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    edges, state_only = 0, []
    for node in models.values():
        code = "\n".join(line for line in (node.get("compiled_code") or "").splitlines()
                         if not line.strip().startswith("-- depends_on"))
        for parent in node["depends_on"]["nodes"]:
            if parent not in models:
                continue
            edges += 1
            if not node.get("compiled_code"):
                continue
            name = re.escape(models[parent]["alias"] or models[parent]["name"])
            if not re.search(r"(\b|__dbt__cte__)" + name + r"\b", code):  # an ephemeral parent is a CTE
                state_only.append((models[parent]["name"], node["name"]))
    return edges, sorted(state_only)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=str(ROOT))
    parser.add_argument("--over", type=int, default=0, help="list only the models with more lines than this")
    parser.add_argument("--edges", help="a built manifest.json: list the edges that exist only for state")
    args = parser.parse_args(argv)
    if args.edges:
        edges, state_only = state_only_edges(args.edges)
        for parent, child in state_only:
            print(f"{parent} -> {child}")
        print(f"{len(state_only)} of {edges} model-to-model edges are not named in the child's compiled SQL")
        return 0
    rows = sizes(Path(args.project))
    total, total_plumbing = sum(r["lines"] for r in rows), sum(r["plumbing"] for r in rows)
    print("| model | lines | plumbing lines | plumbing share |")
    print("|---|---|---|---|")
    for row in sorted(rows, key=lambda r: -r["lines"]):
        if row["lines"] > args.over:
            print(f"| {row['model']} | {row['lines']} | {row['plumbing']} | {row['plumbing'] / row['lines']:.0%} |")
    print(f"| all {len(rows)} SQL models | {total} | {total_plumbing} | {total_plumbing / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
