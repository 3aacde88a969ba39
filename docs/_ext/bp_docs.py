"""Build-time generation for the BrainPy documentation.

At ``builder-inited`` this extension writes, from the installed packages:

* ``api/<module>.rst``: one reference page per public module.  Each page has an autosummary table
  of every public name of the module (its ``__all__``, or its public non-module names where it
  has none) and the autodoc entries of the names first defined for the reference on that page; a
  name re-exported from another module links to the page that documents it.
* ``api/index.rst``: the module index, grouped by distribution.
* ``_generated/zoo.md``: the model-zoo tables, read from the plugin registry
  (`brainpy.math.plugins.list_plugins`).
* ``_generated/benchmarks.md``: the newest table of each benchmark of ``benchmarks/RESULTS.md``.

A ``missing-reference`` handler resolves a reference written against the defining module
(``brainpy.math.ndarray.Array``), a re-export (``brainpy.dyn.LIF``) or a unique short name
(``Array``) to the documented object.  At ``env-check-consistency`` every name of every module's
``__all__`` must be found in the generated reference; a missing one is a warning, so an error
under ``-W``; so is a public submodule (one a module's ``__all__`` names) without a page of its own.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import re
import types

from sphinx.util import logging

logger = logging.getLogger(__name__)

# (module, distribution), in the order in which a re-exported object is given its documented home:
# the most specific module first.
MODULES = [
    ("brainpy.math.random", "brainpy-math"),
    ("brainpy.math.linalg", "brainpy-math"),
    ("brainpy.math.fft", "brainpy-math"),
    ("brainpy.math.activations", "brainpy-math"),
    ("brainpy.math.operators", "brainpy-math"),
    ("brainpy.math.plugins", "brainpy-math"),
    ("brainpy.math", "brainpy-math"),
    ("brainpy.errors", "brainpy-math"),
    ("brainpy.check", "brainpy-math"),
    ("brainpy.tools", "brainpy-math"),
    ("brainpy.base", "brainpy-math"),
    ("brainpy.running.processes", "brainpy-math"),
    ("brainpy.running", "brainpy-math"),
    ("brainpy.initialize", "brainpy-math"),
    ("brainpy.optimizers", "brainpy-math"),
    ("brainpy.losses", "brainpy-math"),
    ("brainpy.integrators.ode", "brainpy-integrators"),
    ("brainpy.integrators.sde", "brainpy-integrators"),
    ("brainpy.integrators.fde", "brainpy-integrators"),
    ("brainpy.integrators", "brainpy-integrators"),
    ("brainpy.datasets", "brainpy-integrators"),
    ("brainpy.dyn.neurons", "brainpy-dyn"),
    ("brainpy.dyn.synapses", "brainpy-dyn"),
    ("brainpy.dyn.channels", "brainpy-dyn"),
    ("brainpy.dyn.rates", "brainpy-dyn"),
    ("brainpy.dyn", "brainpy-dyn"),
    ("brainpy.dyn.models", "brainpy-dyn"),
    ("brainpy.connect", "brainpy-dyn"),
    ("brainpy.inputs", "brainpy-dyn"),
    ("brainpy.measure", "brainpy-dyn"),
    ("brainpy.visualization", "brainpy-dyn"),
    ("brainpy.nn.nodes", "brainpy-nn"),
    ("brainpy.nn.algorithms", "brainpy-nn"),
    ("brainpy.nn.runners", "brainpy-nn"),
    ("brainpy.nn", "brainpy-nn"),
    ("brainpy.analysis.constants", "brainpy-analysis"),
    ("brainpy.analysis.stability", "brainpy-analysis"),
    ("brainpy.analysis", "brainpy-analysis"),
    ("brainpylib", "brainpylib"),
    ("brainpy", "brainpy"),
]

DISTRIBUTIONS = ["brainpy", "brainpy-math", "brainpy-integrators", "brainpy-dyn", "brainpy-nn",
                 "brainpy-analysis", "brainpylib"]

# Filled by generate_api(): documented full name of each object (by id), and each module's names.
_HOME: dict[int, str] = {}
_KEEP: list = []  # keeps the objects alive so that their ids stay theirs
_NAMES: dict[str, list[str]] = {}
_SHORT: dict[str, set] = {}


def public_names(module) -> list[str]:
    """The module's ``__all__``; where it has none (or an empty one), its public non-module names."""
    names = list(getattr(module, "__all__", None) or [])
    if not names:
        names = [n for n in dir(module) if not n.startswith("_")
                 and not isinstance(getattr(module, n, None), types.ModuleType)]
    return names


def _is_documentable(obj) -> bool:
    return inspect.isclass(obj) or inspect.isroutine(obj) or callable(obj) and hasattr(obj, "__name__")


def _origin(obj) -> str:
    """The module an object (or, for an instance, its type) comes from."""
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return getattr(obj, "__module__", None) or ""
    return type(obj).__module__


def _is_external(obj) -> bool:
    origin = _origin(obj)
    return origin != "builtins" and not origin.startswith(("brainpy", "brainpylib"))


def _kind(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if _is_external(obj):
        return "external"
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if _is_documentable(obj):
        return "function"
    return "data"


def _kind_is_data(obj) -> bool:
    return not (inspect.isclass(obj) or inspect.isroutine(obj))


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def generate_api(outdir: pathlib.Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    module_pages = {name for name, _ in MODULES}
    pages = {}
    for modname, dist in MODULES:
        module = importlib.import_module(modname)
        names = public_names(module)
        _NAMES[modname] = names
        own, submodules, constants, external = [], [], [], []
        for name in names:
            obj = getattr(module, name)
            kind = _kind(obj)
            if kind == "module":
                submodules.append((name, obj))
                continue
            full = f"{modname}.{name}"
            _SHORT.setdefault(name, set()).add(full)
            if kind == "data":
                constants.append(name)
            elif kind == "external":
                external.append(name)
            elif id(obj) not in _HOME:
                _HOME[id(obj)] = full
                _KEEP.append(obj)
                own.append((name, kind))
        lines = [_title(modname)]
        lines.append(f".. automodule:: {modname}\n   :no-members:\n")
        lines.append(f".. currentmodule:: {modname}\n")
        lines.append(f"Distribution: ``{dist}``.\n")
        if submodules:
            lines.append(_title("Submodules", "-"))
            for name, obj in submodules:
                target = obj.__name__
                if target not in module_pages:
                    logger.warning(f"public module {target} (named by {modname}) has no API page: add it to "
                                   f"MODULES in docs/_ext/bp_docs.py", type="bp_docs")
                lines.append(f"* ``{name}``: :py:mod:`{target}`")
            lines.append("")
        listed = [n for n in names if _kind(getattr(module, n)) in ("class", "exception", "function")]
        if listed:
            lines.append(_title("Summary", "-"))
            lines.append(".. autosummary::\n   :nosignatures:\n")
            lines.extend(f"   {n}" for n in listed)
            lines.append("")
        if own:
            lines.append(_title("Reference", "-"))
            for name, kind in own:
                if kind in ("class", "exception"):
                    lines.append(f".. autoclass:: {name}\n   :members:\n   :show-inheritance:\n")
                else:
                    lines.append(f".. autofunction:: {name}\n")
        if constants:
            lines.append(_title("Constants", "-"))
            for name in constants:
                obj = getattr(module, name)
                value = repr(obj)
                typ = type(obj)
                lines.append(f".. py:data:: {name}\n")
                if typ.__module__ == "builtins" and obj is not None:
                    lines[-1] = lines[-1].rstrip("\n") + f"\n   :type: {typ.__name__}\n"
                if len(value) <= 70 and "\n" not in value:
                    lines[-1] = lines[-1].rstrip("\n") + f"\n   :value: {value}\n"
        if external:
            lines.append(_title("Re-exported from other libraries", "-"))
            for name in external:
                obj = getattr(module, name)
                if _kind_is_data(obj):
                    where = f"an instance of ``{_origin(obj)}.{type(obj).__qualname__}``"
                else:
                    where = f"``{_origin(obj)}.{obj.__qualname__}``"
                lines.append(f".. py:data:: {name}\n\n   {where}, documented by that library.\n")
        pages[modname] = "\n".join(lines) + "\n"
    for modname, text in pages.items():
        path = outdir / f"{modname}.rst"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    index = [_title("API reference"),
             "One page per public module, grouped by the distribution that installs it. Each page\n"
             "lists every public name of the module; a name re-exported from another module links\n"
             "to the page where it is documented.\n"]
    for dist in DISTRIBUTIONS:
        mods = [m for m, d in MODULES if d == dist]
        index.append(_title(dist, "-"))
        index.append(".. toctree::\n   :maxdepth: 1\n")
        index.extend(f"   {m}" for m in sorted(mods))
        index.append("")
    text = "\n".join(index) + "\n"
    path = outdir / "index.rst"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _first_line(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ").strip()


def _cell(text: str) -> str:
    """A docstring's first line as a Markdown table cell: reST math and literals in MyST syntax."""
    text = re.sub(r":math:`([^`]*)`", r"{math}`\1`", text)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    return text.replace("|", "\\|")


def generate_zoo(path: pathlib.Path) -> None:
    from brainpy.math.plugins import list_plugins

    titles = {
        "models": "Models (neurons, synapses, channels, rate models)",
        "integrators": "Integration methods",
        "connectors": "Connectors",
        "initializers": "Initializers",
        "training_algorithms": "Training algorithms",
        "trainers": "Trainers",
    }
    rows = list_plugins()
    out = ["<!-- generated at build time from brainpy.math.plugins.list_plugins(); do not edit -->", ""]
    out.append(f"{len(rows)} records are registered by the installed distributions.\n")
    for kind, title in titles.items():
        kind_rows = [r for r in rows if r.kind == kind]
        if not kind_rows:
            continue
        out.append(f"## {title}\n")
        out.append("| name | category | provided by | description |")
        out.append("| --- | --- | --- | --- |")
        for row in sorted(kind_rows, key=lambda r: (_category(r), r.record.name.lower())):
            rec = row.record
            desc = rec.description or ""
            if not desc:
                try:
                    desc = _first_line(rec.load())
                except Exception as exc:  # a plugin whose factory fails to load
                    desc = f"(cannot be loaded: {type(exc).__name__})"
            name = f"`{rec.name}`"
            if rec.aliases:
                name += " (" + ", ".join(f"`{a}`" for a in rec.aliases) + ")"
            out.append(f"| {name} | {_category(row)} | `{row.provider.distribution}` | {_cell(desc)} |")
        out.append("")
    text = "\n".join(out) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _category(row) -> str:
    rec = row.record
    for field in ("category", "kind", "mode"):
        value = getattr(rec, field, None)
        if value:
            return str(value)
    return row.kind.rstrip("s")


def generate_benchmarks(results: pathlib.Path, path: pathlib.Path) -> None:
    """The newest section of each benchmark title of RESULTS.md, with its date."""
    text = results.read_text()
    sections = re.split(r"^(?=## )", text, flags=re.M)
    newest = {}
    for section in sections:
        if not section.startswith("## "):
            continue
        heading = section.splitlines()[0][3:].strip()
        title = re.sub(r"\s*\(.*\)\s*$", "", heading)
        newest[title] = section  # later sections are newer
    out = ["<!-- generated at build time from benchmarks/RESULTS.md; do not edit -->", ""]
    for section in newest.values():
        out.append("#" + section.rstrip().replace("\n## ", "\n### "))  # one level down
        out.append("")
    text = "\n".join(out) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _on_builder_inited(app):
    src = pathlib.Path(app.srcdir)
    generate_api(src / "api")
    gen = src / "_generated"
    gen.mkdir(exist_ok=True)
    generate_zoo(gen / "zoo.md")
    generate_benchmarks(src.parent / "benchmarks" / "RESULTS.md", gen / "benchmarks.md")


def _resolve_object(target: str):
    """Import ``a.b.c`` as a module attribute path; None when it is not importable."""
    parts = target.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except Exception:
            return None
        return obj
    return None


def _on_missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    home = None
    obj = _resolve_object(target) if "." in target else None
    if obj is not None and id(obj) in _HOME:
        home = _HOME[id(obj)]
    elif "." not in target or target.split(".")[0] not in ("brainpy", "brainpylib"):
        short = target.rsplit(".", 1)[-1]
        homes = {_HOME.get(id(_resolve_object(full)), full) for full in _SHORT.get(short, ())}
        if len(homes) == 1:
            home = homes.pop()
    if home is None:
        if obj is not None and target.startswith(("brainpy.", "brainpylib.")) and any(
                part.startswith("_") for part in target.split(".")[1:]) or (
                inspect.isclass(obj) and target.startswith(("brainpy.", "brainpylib."))):
            # a private or undocumented base class: shown as text, there is no page to link to
            return contnode
        return None
    domain = env.get_domain("py")
    for typ in ("obj", "class", "func", "exc", "data", "meth", "attr"):
        found = domain.resolve_xref(env, node["refdoc"], app.builder, typ, home,
                                    node.__class__(**node.attributes), contnode)
        if found is not None:
            return found
    return None


_BUILTIN_DOCS = {inspect.getdoc(getattr(t, m)) for t in (dict, list, object, set, tuple, str, int)
                 for m in dir(t) if inspect.getdoc(getattr(t, m, None))}
_MULTI_NAME = re.compile(r"^(\s*:(?:param|parameter|arg|argument|key|keyword|kwarg|kwparam|ivar|var|cvar)\s+)"
                         r"((?:\\?\*){0,2}[A-Za-z_]\w*(?:\s*,\s*(?:\\?\*){0,2}[A-Za-z_]\w*)+)(\s*:)")

_STAR_NAME = re.compile(r"^(\s*:(?:param|parameter|arg|argument|keyword|kwarg)\s+)(\*{1,2})(?=[A-Za-z_])")


def _on_process_docstring(app, what, name, obj, options, lines):
    """After napoleon: drop docstrings inherited from builtins; keep ``a, b: ...`` fields one name."""
    if lines and inspect.getdoc(obj) in _BUILTIN_DOCS and what in ("method", "attribute", "property"):
        lines[:] = []
        return
    for i, line in enumerate(lines):
        star = _STAR_NAME.match(line)
        if star:  # napoleon leaves ``:param **kw:`` unescaped: an unclosed emphasis for docutils
            lines[i] = star.group(1) + star.group(2).replace("*", r"\*") + line[star.end(2):]
            continue
        m = _MULTI_NAME.match(line)
        if m:
            names = re.sub(r"\s*,\s*", ",", m.group(2))
            names = re.sub(r"(?<!\\)\*", r"\\*", names)
            lines[i] = m.group(1) + names + m.group(3) + line[m.end():]


def _on_check_consistency(app, env):
    documented = set(env.get_domain("py").objects)
    missing = []
    for modname, names in _NAMES.items():
        module = importlib.import_module(modname)
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__ not in documented and obj.__name__ in _NAMES:
                    missing.append(f"{modname}.{name}")
                continue
            full = f"{modname}.{name}"
            home = _HOME.get(id(obj), full)
            if full not in documented and home not in documented:
                missing.append(full)
    for full in missing:
        logger.warning(f"public name {full} is missing from the API reference", type="bp_docs")


def reset_brainpy(gallery_conf, fname):
    """sphinx-gallery's reset before each example: BrainPy's global defaults, a seeded generator."""
    import brainpy.math as bm

    bm.disable_x64()
    for setter in (bm.set_dfloat, bm.set_dint, bm.set_duint, bm.set_dcomplex, bm.set_dbool):
        setter(None)
    bm.set_dt(0.1)
    bm.random.seed(0)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.connect("missing-reference", _on_missing_reference)
    app.connect("autodoc-process-docstring", _on_process_docstring, priority=600)
    app.connect("env-check-consistency", _on_check_consistency)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
