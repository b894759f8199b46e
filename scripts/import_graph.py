"""Print the project's app-to-app import graph and the layering rules it breaks.

    .venv/bin/python scripts/import_graph.py          # edges, then violations
    .venv/bin/python scripts/import_graph.py --check  # exit 1 when a rule is broken

Reads the source with `ast` (nothing is imported or executed), module-level and function-level
imports alike, migrations and tests left out. The rules are STYLE.md's: a model never imports a
view; an app never imports another app's views (the project package `website`, whose urls.py
routes to them, is exempt); dependencies run one way (a cycle between two apps is reported). The
app list is pyproject.toml's isort `known-first-party`.
"""

import argparse
import ast
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_party_apps():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = config["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    return [name for name in names if (ROOT / name).is_dir()]


def imported_modules(path):
    """Every absolute module name imported anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                # `from stations import views` imports the module stations.views
                candidate = ROOT.joinpath(*node.module.split("."), alias.name)
                if candidate.with_suffix(".py").is_file() or candidate.is_dir():
                    yield f"{node.module}.{alias.name}"


def module_name(path):
    """stations/models.py → stations.models"""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def is_views(module):
    parts = module.split(".")
    return "views" in parts or any(part.endswith("_views") for part in parts)


def collect(apps):
    edges = Counter()
    violations = []
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = module_name(path)
            seen = set()
            for module in imported_modules(path):
                target_app = module.split(".")[0]
                if target_app not in apps or module in seen:
                    continue
                seen.add(module)
                if target_app != app:
                    edges[(app, target_app)] += 1
                importer_is_model = path.name == "models.py" or "models" in path.parts
                if importer_is_model and is_views(module) and module.count(".") >= 1:
                    violations.append(f"model imports a view: {source} → {module}")
                elif (
                    target_app != app
                    and app != "website"
                    and is_views(module)
                    and module.count(".") >= 1
                ):
                    violations.append(f"app imports another app's views: {source} → {module}")
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    for a, b in edges:
        if a < b and a in graph[b]:
            violations.append(f"cycle between apps: {a} ⇄ {b}")
    return edges, violations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a rule is broken")
    args = parser.parse_args()
    apps = first_party_apps()
    edges, violations = collect(apps)
    sys.stdout.write("app → app (number of importing statements)\n")
    for (a, b), count in sorted(edges.items()):
        sys.stdout.write(f"  {a:10} → {b:10} {count:4}\n")
    sys.stdout.write(f"\n{len(violations)} rule(s) broken\n")
    for line in sorted(set(violations)):
        sys.stdout.write(f"  {line}\n")
    return 1 if args.check and violations else 0


if __name__ == "__main__":
    sys.exit(main())
