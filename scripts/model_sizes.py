"""Lines per model and the share of them that is plumbing, as a Markdown table.

Usage: python scripts/model_sizes.py [--over N] [project folder]

A line is plumbing when it serves the incremental state rather than the model's rule:
- it is inside the branch of a Jinja `if` taken only on an incremental run (a condition naming
  `scope.mode` = 'append', `is_incremental()` or `since`), the lines of that branch included;
- or it names the state machinery: the chain's macros (incremental_scope, loaded_since_scope,
  incremental_chain_config, the write and read marks ...), `{{ this }}`, a relation looked up by name
  (adapter.get_relation, load_relation, run_query), a `-- depends_on` edge, a mark column (`_written_at`,
  `_resolved_at`, `_clustered_at`, `_person_changed_at`, `_shared_changed_at`), or an incremental config
  key (unique_key, incremental_strategy, on_schema_change, materialized='incremental').
Comments count as lines of the model, and as plumbing only inside a plumbing branch.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE_TOKENS = re.compile(
    r"incremental_scope|loaded_since_scope|incremental_chain_config|monotonic_write_marker|"
    r"reached_write_mark|incremental_read_mark|touch_evidence_replaced|identity_records_loaded_since|"
    r"touches_to_rewrite|identity_edges_|absent_from_this|incremental_unique_guard|amplitude_gate_since|"
    r"touches_to_resolve_scope|touch_identifiers_scope|persons_to_write|delete_keys_gone_from|"
    r"clustered_identifiers_to_write|"
    r"\{\{\s*this\s*\}\}|get_relation|load_relation|run_query|--\s*depends_on|"
    r"_written_at|_resolved_at|_clustered_at|_person_changed_at|_shared_changed_at|"
    r"unique_key|incremental_strategy|on_schema_change|materialized\s*=\s*'incremental'"
)
APPEND_CONDITION = re.compile(r"scope\.mode\s*==\s*'append'|is_incremental\(\)|since is not none")
IF_OPEN = re.compile(r"\{%-?\s*if\b(.*?)-?%\}")
IF_CLOSE = re.compile(r"\{%-?\s*endif\s*-?%\}")
ELSE = re.compile(r"\{%-?\s*(else|elif\b.*?)\s*-?%\}")


def plumbing_lines(text):
    """The indexes of the plumbing lines of a model's text."""
    plumbing, stack = set(), []  # stack: is each open `if` branch an incremental-only branch?
    for index, line in enumerate(text.splitlines()):
        in_branch = any(stack)
        for match in IF_OPEN.finditer(line):
            stack.append(bool(APPEND_CONDITION.search(match.group(1))))
        other = ELSE.search(line)
        if other and stack:  # an elif on the incremental run is plumbing too; an else is the rebuild's rule
            stack[-1] = bool(APPEND_CONDITION.search(other.group(1)))
        if in_branch or any(stack) or STATE_TOKENS.search(line):
            plumbing.add(index)
        for _ in IF_CLOSE.finditer(line):
            if stack:
                stack.pop()
    return plumbing


def sizes(project):
    rows = []
    for path in sorted((project / "models").rglob("*.sql")):
        text = path.read_text()
        lines = len(text.splitlines())
        rows.append({"model": path.stem, "path": str(path.relative_to(project)), "lines": lines,
                     "plumbing": len(plumbing_lines(text))})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", default=str(ROOT))
    parser.add_argument("--over", type=int, default=0, help="list only the models with more lines than this")
    args = parser.parse_args(argv)
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
