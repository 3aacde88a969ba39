"""No distribution imports another distribution's private names (issue 18, item 6).

Each ``brainpy`` portion (brainpy-math, brainpy-integrators, ...) may import only the public names
of the portions it depends on: a name or module starting with an underscore belongs to its own
distribution, which may change it in any release.  Run by ``nox -s lint``; prints every offending
import as ``file:line`` and exits with 1 when there is one.

Usage: ``python tests/lint/check_private_imports.py [ROOT]``
"""

import ast
import pathlib
import sys


def owners(root: pathlib.Path):
    """``{module prefix: distribution}`` of every module of every portion, e.g. ``brainpy.math``."""
    table = {}
    for package in sorted((root / "packages").iterdir()):
        src = package / "src"
        if not src.is_dir():
            continue
        for top in src.iterdir():
            if top.name == "brainpy":
                for sub in top.iterdir():
                    name = sub.stem if sub.suffix == ".py" else sub.name
                    if name != "__init__" and name != "__pycache__" and not name.endswith(".egg-info"):
                        table[f"brainpy.{name}"] = package.name
            elif top.is_dir() and top.name not in ("__pycache__",) and not top.name.endswith(".egg-info"):
                table[top.name] = package.name
    return table


def owner_of(module: str, table):
    parts = module.split(".")
    for k in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:k]))
        if found is not None:
            return found
    return None


def problems(root: pathlib.Path):
    table = owners(root)
    found = []
    for package in sorted((root / "packages").iterdir()):
        for path in sorted((package / "src").rglob("*.py")) if (package / "src").is_dir() else ():
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    owner = owner_of(node.module, table)
                    if owner is None or owner == package.name:
                        continue
                    private = [p for p in node.module.split(".") if p.startswith("_")]
                    private += [a.name for a in node.names if a.name.startswith("_")]
                elif isinstance(node, ast.Import):
                    private = []
                    for alias in node.names:
                        owner = owner_of(alias.name, table)
                        if owner is not None and owner != package.name:
                            private += [p for p in alias.name.split(".") if p.startswith("_")]
                else:
                    continue
                if private:
                    where = path.relative_to(root)
                    found.append(f"{where}:{node.lineno}: {package.name} imports {private} of {owner}")
    return found


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    found = problems(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} import(s) of another distribution's private names; make the name public "
              f"in its distribution (and document it) or keep the code where the name lives.")
        return 1
    print("no distribution imports another distribution's private names")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
