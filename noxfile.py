"""Every session of the BrainPy monorepo: tests, lint, wheels, docs, demo and benchmarks.

The package list is read from ``packages/*/pyproject.toml``; a package's BrainPy dependencies are
the ones it declares, so ``nox -s "tests(package='brainpy-nn')"`` installs brainpy-nn with only
brainpy-math beside it, and a missing declaration fails there.
"""

import os
import pathlib
import re
import shutil
import sys
import tomllib
import zipfile

import nox

ROOT = pathlib.Path(__file__).parent
PACKAGES_DIR = ROOT / "packages"
PLUGIN_FIXTURES = ROOT / "tests" / "plugins"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = ["lint", "tests", "tests_all", "tests_jax_floor", "wheels", "install", "docs"]

PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "--import-mode=importlib"]
# JAX versions at both ends of the supported window.
JAX_FLOOR = "0.10.0"


def _read_packages():
    packages = {}
    for pyproject in sorted(PACKAGES_DIR.glob("*/pyproject.toml")):
        meta = tomllib.loads(pyproject.read_text())["project"]
        packages[meta["name"]] = {
            "dir": pyproject.parent,
            "version": meta["version"],
            "dependencies": meta.get("dependencies", []),
        }
    return packages


PACKAGES = _read_packages()
PACKAGE_NAMES = list(PACKAGES)


def _requirement_name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[]", req.strip(), maxsplit=1)[0].lower()


def _local_closure(name: str):
    """The package and every BrainPy package it depends on, dependencies first."""
    order, seen = [], set()

    def visit(pkg):
        if pkg in seen:
            return
        seen.add(pkg)
        for req in PACKAGES[pkg]["dependencies"]:
            dep = _requirement_name(req)
            if dep in PACKAGES:
                visit(dep)
        order.append(pkg)

    visit(name)
    return order


def _strict_env(**extra):
    env = {"BRAINPY_STRICT_PLUGINS": "1", "JAX_PLATFORMS": "cpu"}
    env.update(extra)
    return env


def _install_packages(session, names, editable=False):
    args = []
    for name in names:
        path = str(PACKAGES[name]["dir"])
        args.extend(["-e", path] if editable else [path])
    session.install("pytest>=8", "hypothesis>=6.100", *args)


@nox.session
@nox.parametrize("package", PACKAGE_NAMES)
def tests(session, package):
    """One package's tests, in an environment holding only what that package declares."""
    _install_packages(session, _local_closure(package))
    tests_dir = PACKAGES[package]["dir"] / "tests"
    session.chdir(tests_dir)
    session.run("python", "-m", "pytest", str(tests_dir), *PYTEST_ARGS, *session.posargs, env=_strict_env())


@nox.session
def tests_all(session):
    """Every package (editable) plus the example plugin: all package suites and the cross-package tests.

    Then a deliberately broken plugin is installed and the isolation tests run without strict mode.
    """
    _install_packages(session, PACKAGE_NAMES, editable=True)
    session.install(str(PLUGIN_FIXTURES / "brainpy-example-plugin"))
    dirs = [str(PACKAGES[name]["dir"] / "tests") for name in PACKAGE_NAMES]
    session.chdir(ROOT)
    session.run(
        "python", "-m", "pytest", *dirs, "tests", *PYTEST_ARGS,
        "--ignore", "tests/test_broken_plugins.py", *session.posargs, env=_strict_env(),
    )
    session.install(str(PLUGIN_FIXTURES / "brainpy-broken-plugin"))
    session.run(
        "python", "-m", "pytest", "tests/test_broken_plugins.py", "-q", "-p", "no:cacheprovider",
        "--import-mode=importlib", env={"JAX_PLATFORMS": "cpu", "BRAINPY_RUN_BROKEN_PLUGIN_TESTS": "1"},
    )


@nox.session
def tests_jax_floor(session):
    """The whole suite on the oldest supported JAX."""
    _install_packages(session, PACKAGE_NAMES)
    session.install(f"jax=={JAX_FLOOR}", f"jaxlib=={JAX_FLOOR}")
    dirs = [str(PACKAGES[name]["dir"] / "tests") for name in PACKAGE_NAMES]
    session.chdir(ROOT)
    session.run("python", "-m", "pytest", *dirs, *PYTEST_ARGS, *session.posargs, env=_strict_env())


@nox.session
def lint(session):
    """ruff over every package, the tests, the examples and the benchmarks; the import contracts;
    no distribution importing another's private names; no raise of a builtin exception in the
    ``brainpy`` portions (every error is a ``brainpy.errors`` class); mypy over every package; the
    annotations of the typed public API (``tests/lint/check_annotations.py``).

    The contracts (``[tool.importlinter]`` in the root ``pyproject.toml``) are checked over a merged
    view of the ``brainpy`` portions: grimp wants each top-level package in one directory, so the
    portions' subpackages are linked side by side in a temporary ``brainpy/``.
    """
    session.install("ruff>=0.6", "import-linter>=2.17")  # 2.17: acyclic_siblings contracts
    session.run("ruff", "check", str(ROOT))
    view = pathlib.Path(session.create_tmp()).resolve() / "import-view"
    shutil.rmtree(view, ignore_errors=True)
    (view / "brainpy").mkdir(parents=True)
    for name in PACKAGE_NAMES:
        src = PACKAGES[name]["dir"] / "src"
        for entry in sorted(src.iterdir()):
            if entry.name == "brainpy":
                for sub in sorted(entry.iterdir()):
                    if sub.name != "__pycache__":
                        (view / "brainpy" / sub.name).symlink_to(sub)
            elif entry.is_dir() and not entry.name.endswith(".egg-info") and entry.name != "__pycache__":
                (view / entry.name).symlink_to(entry)
    session.chdir(ROOT)
    session.run("lint-imports", "--no-logo", "--no-cache", env={"PYTHONPATH": str(view)})
    # no distribution imports another's private names (tests/lint/check_private_imports.py)
    session.run("python", str(ROOT / "tests" / "lint" / "check_private_imports.py"), str(ROOT))
    # every exception the brainpy portions raise is a brainpy.errors class (tests/lint/check_builtin_raises.py)
    session.run("python", str(ROOT / "tests" / "lint" / "check_builtin_raises.py"), str(ROOT))
    # the type checker ([tool.mypy] in the root pyproject.toml) over the installed portions and their
    # dependencies' stubs; brainpylib's Python sources are read from its tree (no C++ build here)
    portions = [name for name in PACKAGE_NAMES if name not in ("brainpylib", "brainpy")]
    _install_packages(session, portions, editable=True)
    session.install("mypy>=1.10")
    session.run("mypy", "--config-file", str(ROOT / "pyproject.toml"),
                env={"MYPYPATH": str(PACKAGES["brainpylib"]["dir"] / "src"), "JAX_PLATFORMS": "cpu"})
    # the typed public API keeps its annotations (tests/lint/check_annotations.py)
    session.run("python", str(ROOT / "tests" / "lint" / "check_annotations.py"),
                env={"PYTHONPATH": str(PACKAGES["brainpylib"]["dir"] / "src"), "JAX_PLATFORMS": "cpu"})


@nox.session
def wheels(session):
    """Build every wheel; each carries the LICENSE; only the meta-package's has brainpy/__init__.py."""
    session.install("build>=1.0")
    out = ROOT / "dist"
    shutil.rmtree(out, ignore_errors=True)
    for name in PACKAGE_NAMES:
        session.run("python", "-m", "build", "--wheel", "--outdir", str(out), str(PACKAGES[name]["dir"]))
    problems = []
    for name, info in PACKAGES.items():
        stem = name.replace("-", "_")
        found = sorted(out.glob(f"{stem}-{info['version']}-*.whl"))
        if len(found) != 1:
            problems.append(f"{name}: expected one wheel {stem}-{info['version']}-*.whl, found {len(found)}")
            continue
        with zipfile.ZipFile(found[0]) as whl:
            members = set(whl.namelist())
        has_init = "brainpy/__init__.py" in members
        if not any(m.split("/")[0].endswith(".dist-info") and m.rsplit("/", 1)[-1] == "LICENSE"
                   for m in members):
            problems.append(f"{name}: the wheel carries no LICENSE file")
        if name == "brainpy" and not has_init:
            problems.append("brainpy: the meta wheel lacks brainpy/__init__.py")
        if name != "brainpy" and has_init:
            problems.append(f"{name}: ships brainpy/__init__.py, which would break the namespace")
        session.log(f"{found[0].name}: {len(members)} files")
    if problems:
        session.error("; ".join(problems))


def _install_block(readme: pathlib.Path):
    """The lines of the first fenced code block of a README's ``## Install`` section."""
    text = readme.read_text()
    match = re.search(r"^## Install\s*$(.*?)(?=^## |\Z)", text, re.S | re.M)
    if match is None:
        raise ValueError(f"{readme}: no '## Install' section")
    block = re.search(r"^```[a-z]*\n(.*?)^```", match.group(1), re.S | re.M)
    if block is None:
        raise ValueError(f"{readme}: the '## Install' section has no fenced code block")
    return [line for line in block.group(1).splitlines() if line.strip()]


def _installed_dists(command: str):
    """The BrainPy distributions an install command names (``./packages/<dist>`` paths)."""
    return re.findall(r"\./packages/([A-Za-z0-9_.-]+)", command)


def _run_in_fresh_venv(session, venv_dir, lines, env=None):
    """Make a virtual environment with the standard library's venv and run ``lines`` in it with bash."""
    shutil.rmtree(venv_dir, ignore_errors=True)
    session.run(sys.executable, "-m", "venv", str(venv_dir), external=True)
    bin_dir = str(pathlib.Path(venv_dir) / "bin")
    run_env = {"VIRTUAL_ENV": str(venv_dir), "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
               "JAX_PLATFORMS": "cpu", "MPLBACKEND": "Agg", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
               "PYTHONPATH": ""}
    run_env.update(env or {})
    for line in lines:
        session.run("bash", "-c", line, env=run_env, external=True)
    return str(pathlib.Path(bin_dir) / "python"), run_env


@nox.session(venv_backend="none")
def install(session):
    """The README install commands, verbatim, each in a fresh venv, then checks of what they installed.

    For the root README and every package README, the first fenced code block of its ``## Install``
    section is run line by line (the install command, then its smoke test) from the repository
    root; ``tests/install/check_install.py`` then checks that exactly the named BrainPy packages
    were installed at this repository's versions.  Last, the root README's install runs again with
    the C++ compiler pointing nowhere: it must succeed, run on pure JAX and say so once.
    """
    session.chdir(ROOT)
    readmes = [ROOT / "README.md"] + [PACKAGES[name]["dir"] / "README.md" for name in PACKAGE_NAMES]
    root = pathlib.Path(session.create_tmp()).resolve() / "install-venvs"
    check = str(ROOT / "tests" / "install" / "check_install.py")
    done = {}
    for readme in readmes:
        lines = _install_block(readme)
        key = "\n".join(lines)
        if key in done:
            session.log(f"{readme.relative_to(ROOT)}: the same commands as {done[key]}, already run")
            continue
        done[key] = readme.relative_to(ROOT)
        dists = _installed_dists(lines[0])
        name = readme.parent.name if readme.parent != ROOT else "root"
        session.log(f"{readme.relative_to(ROOT)}: {lines[0]}")
        python, env = _run_in_fresh_venv(session, root / name, lines)
        backend = ["--backend", "brainpylib"] if "brainpylib" in dists and "brainpy-math" in dists else []
        session.run(python, check, *dists, *backend, env=env, external=True)
    # No C++ compiler: the documented install still works, on the pure-JAX operators.
    lines = _install_block(ROOT / "README.md")
    nowhere = {"CXX": "/nonexistent/c++", "CC": "/nonexistent/cc", "PIP_NO_CACHE_DIR": "1"}
    python, env = _run_in_fresh_venv(session, root / "no-compiler", lines, env=nowhere)
    session.run(python, check, *_installed_dists(lines[0]), "--backend", "jax-no-kernels", env=env,
                external=True)


@nox.session
def docs(session):
    """The documentation site (docs/_build/html), warnings as errors, then every example it shows.

    Sphinx builds with ``-W --keep-going`` and ``nitpicky``: a broken cross-reference, a public name
    missing from the API reference (``docs/_ext/bp_docs.py``) or a gallery example that raises fails
    the session.  Then ``docs/run_examples.py`` runs every ``>>>`` example of every package's
    docstrings and the code blocks of the pages.  ``nox -s docs -- NAME`` runs only the examples
    whose module or page name contains NAME (after the full HTML build).
    """
    _install_packages(session, PACKAGE_NAMES)
    session.install("-r", str(ROOT / "docs" / "requirements.txt"))
    session.chdir(ROOT)
    # From scratch: sphinx-gallery skips an unchanged script, which would hide a library change that breaks it.
    for generated in ("_build", "auto_examples", "_generated", "api", "sg_execution_times.rst"):
        path = ROOT / "docs" / generated
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    env = {"JAX_PLATFORMS": "cpu", "MPLBACKEND": "Agg", "BRAINPY_STRICT_PLUGINS": "1"}
    session.run("sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "docs", "docs/_build/html", env=env)
    session.run("python", str(ROOT / "docs" / "run_examples.py"), *session.posargs, env=env)


@nox.session
def demo(session):
    """Install everything (as a user would) and run the demo: the quickstart E/I network.

    It prints the firing rates and writes the raster plot to ei_raster.png (or ``-- --out PATH``).
    """
    _install_packages(session, PACKAGE_NAMES)
    session.chdir(ROOT)
    args = session.posargs or ["--out", "ei_raster.png"]
    session.run("python", "examples/ei_network.py", *args, env={"JAX_PLATFORMS": "cpu", "MPLBACKEND": "Agg"})


# The reference implementations of `nox -s bench`, each in its own environment under .nox/.
BENCH_REFERENCES = {
    "bench_brainpy238": [
        "brainpy==2.3.8", "brainpylib==0.1.8", "jax==0.4.13", "jaxlib==0.4.13", "numpy==1.26.4",
        "scipy==1.12.0", "numba==0.68.1",
    ],
    # Brian2 2.9 is the newest release for Python 3.11 (2.10 needs 3.12, 2.11 needs 3.13); its
    # cpp_standalone mode needs a C++ compiler (g++ here)
    "bench_brian2": ["brian2>=2.9,<2.10", "cython", "numpy==2.3.5", "setuptools"],
    "bench_nest": ["nest-simulator==3.10.0", "numpy==2.3.5"],
}


def _reference_env(session, name, requirements):
    """A venv at .nox/<name> holding ``requirements``; reused while its recorded requirements match."""
    env_dir = ROOT / ".nox" / name
    python = env_dir / "bin" / "python"
    stamp = env_dir / "bench-requirements.txt"
    wanted = "\n".join(requirements)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        session.log(f"reusing {env_dir}")
        return str(python)
    shutil.rmtree(env_dir, ignore_errors=True)
    uv = shutil.which("uv") or shutil.which("uv", path=str(pathlib.Path(sys.executable).parent))
    if uv:
        session.run(uv, "venv", "--python", sys.executable, str(env_dir), external=True)
        session.run(uv, "pip", "install", "--python", str(python), *requirements, external=True)
    else:
        session.run(sys.executable, "-m", "venv", str(env_dir), external=True)
        session.run(str(python), "-m", "pip", "install", *requirements, external=True)
    stamp.write_text(wanted)
    return str(python)


@nox.session
def bench(session):
    """COBA/COBAHH side by side with BrainPy 2.3.8, Brian2 (cython and cpp_standalone) and NEST 3.10,
    then the operator benchmarks.

    ``nox -s bench -- --quick`` runs only the 4k cases; results are appended to benchmarks/RESULTS.md
    (``-- --no-write`` prints them only).
    """
    _install_packages(session, PACKAGE_NAMES)
    refs = {name: _reference_env(session, name, reqs) for name, reqs in BENCH_REFERENCES.items()}
    session.chdir(ROOT)
    env = {"JAX_PLATFORMS": "cpu"}
    session.run(
        "python", str(ROOT / "benchmarks" / "run_all.py"), "--ours", str(pathlib.Path(session.bin) / "python"),
        "--brainpy", refs["bench_brainpy238"], "--brian2", refs["bench_brian2"], "--nest", refs["bench_nest"],
        *session.posargs, env=env,
    )
    forwarded = [arg for arg in session.posargs if arg == "--no-write"]
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *forwarded, env=env)
