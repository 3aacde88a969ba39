"""Run every ``>>>`` example of the installed BrainPy packages and every code block of the pages.

``nox -s docs`` runs this after the HTML build:

* each module of ``brainpy.*`` and ``brainpylib`` (found with :mod:`pkgutil`, so every
  distribution's portion of the namespace is walked) is imported and its docstrings' ``>>>``
  examples are run with :mod:`doctest`: the printed output must be the one shown.  As in the
  pages, ``bp``, ``bm`` and ``np`` (``brainpy``, ``brainpy.math``, ``numpy``) are imported already;
  every docstring starts in 32-bit mode with the default ``dt`` (0.1) and dtypes and
  ``bm.random.seed(0)``;
* the Markdown pages under ``docs/`` are run one by one, each in a fresh namespace, like a
  notebook: a ```` ```python ```` block is executed, a ```` ```pycon ```` block (``>>>`` lines with
  their output) is checked with :mod:`doctest`.  A block whose fence carries ``skip`` after the
  language (```` ```python skip ````) is shown and not run.  A block marked ``script``
  (```` ```python script ````) is a whole program: it is saved to a file and run in a fresh
  interpreter (its own JAX, so it may set ``XLA_FLAGS`` or start ``jax.distributed``), and what
  it prints must match the ```` ```text ```` block that follows it (``...`` matches anything).
  With ``script processes=N`` it is started N times, as ``python script.py I N localhost:PORT``
  for I = 0..N-1, the way a program using ``jax.distributed`` is launched on one machine; every
  process must succeed, and process 0's output is checked (lines the Gloo library prints about
  its connections are left out).

Usage: ``python docs/run_examples.py [--modules-only | --pages-only] [NAME ...]``, where a NAME
restricts the run to the modules or pages whose name contains it.  The examples run in a temporary
directory, so the files they write go away with it.  Exits 1 when an example fails.
"""

from __future__ import annotations

import argparse
import doctest
import importlib
import os
import pathlib
import pkgutil
import re
import socket
import subprocess
import sys
import tempfile
import time
import traceback

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")

DOCS = pathlib.Path(__file__).resolve().parent
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Modules that are programs rather than libraries: importing them runs them.
SKIP_MODULES = re.compile(r"(\.__main__$)")


def iter_modules():
    """Every module of the ``brainpy`` namespace and of ``brainpylib``, sorted by name."""
    import brainpy
    import brainpylib

    names = set()
    for pkg in (brainpy, brainpylib):
        names.add(pkg.__name__)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            if not SKIP_MODULES.search(info.name):
                names.add(info.name)
    return sorted(names)


def _reset():
    """The state every example starts from: 32-bit mode, default dt and dtypes, a seeded generator."""
    import brainpy.math as bm

    bm.disable_x64()
    for setter in (bm.set_dfloat, bm.set_dint, bm.set_duint, bm.set_dcomplex, bm.set_dbool):
        setter(None)
    bm.set_dt(0.1)
    bm.random.seed(0)


def _standard_imports():
    """The names every example may use without importing them, as in the guide's pages."""
    import brainpy as bp
    import brainpy.math as bm
    import numpy as np

    return {"bp": bp, "bm": bm, "np": np}


def run_modules(selected):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    finder = doctest.DocTestFinder(exclude_empty=True)
    n_tests = 0
    for name in iter_modules():
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(name)
        for test in sorted(finder.find(module, name, extraglobs=_standard_imports()), key=lambda t: t.name):
            if not test.examples:
                continue
            _reset()
            n_tests += 1
            runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    print(f"docstrings: {attempted} examples in {n_tests} docstrings, {failed} failed")
    return failed


_FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.S | re.M)


SCRIPT_TIMEOUT = 600  # seconds for one script block, all its processes together


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def run_script(code: str, where: str, expected: str | None, processes: int) -> bool:
    """Run a ``script`` block as its own program (``processes`` times); True when it passes."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="script-", dir=".")).resolve()
    script = folder / "example.py"
    script.write_text(code)
    env = dict(os.environ)
    env.pop("XLA_FLAGS", None)  # the script sets its own devices
    if processes == 1:
        commands = [[sys.executable, str(script)]]
    else:
        port = _free_port()
        commands = [[sys.executable, str(script), str(i), str(processes), f"localhost:{port}"]
                    for i in range(processes)]
    # output to files, not pipes: a process blocked on a full pipe would stall the others' collectives
    logs = [open(folder / f"out{i}.txt", "w+") for i in range(len(commands))]
    procs = [subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
             for cmd, log in zip(commands, logs)]
    try:
        deadline = time.monotonic() + SCRIPT_TIMEOUT
        codes = [proc.wait(timeout=max(1.0, deadline - time.monotonic())) for proc in procs]
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
        codes = [proc.wait() for proc in procs]
        print(f"FAILED {where}: the script ran longer than {SCRIPT_TIMEOUT} s")
        return False
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    for i, code_ in enumerate(codes):
        if code_ != 0:
            print(f"FAILED {where}: process {i} of the script exited with {code_}:\n{outputs[i]}")
            return False
    if expected is None:
        return True
    got = "".join(line for line in outputs[0].splitlines(True) if not line.startswith("[Gloo]"))
    if doctest.OutputChecker().check_output(expected, got, FLAGS):
        return True
    print(f"FAILED {where}: the script printed\n{got}\ninstead of\n{expected}")
    return False


def _script_processes(options) -> int:
    for option in options:
        if option.startswith("processes="):
            return int(option.split("=", 1)[1])
    return 1


def run_pages(selected):
    failed = 0
    pages = sorted(p for p in DOCS.rglob("*.md") if not p.relative_to(DOCS).parts[0].startswith("_"))
    for page in pages:
        rel = page.relative_to(DOCS)
        if selected and not any(s in str(rel) for s in selected):
            continue
        blocks = [(m.group(1), m.group(2).split(), m.group(3), page.read_text().count("\n", 0, m.start()) + 1)
                  for m in _FENCE.finditer(page.read_text())]
        # the text block after a script block is what the script must print
        expected = {i: blocks[i + 1][2] for i, b in enumerate(blocks[:-1])
                    if "script" in b[1] and blocks[i + 1][0] == "text"}
        blocks = [(*b, expected.get(i)) for i, b in enumerate(blocks)
                  if b[0] in ("python", "pycon") and "skip" not in b[1]]
        if not blocks:
            continue
        _reset()
        namespace = {"__name__": f"docs_page_{rel.stem}"}
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        parser = doctest.DocTestParser()
        start = time.perf_counter()
        page_failed = 0
        for lang, options, code, line, printed in blocks:
            if "script" in options:
                if not run_script(code, f"{rel}:{line}", printed, _script_processes(options)):
                    page_failed += 1
            elif lang == "python":
                try:
                    exec(compile(code, f"{rel}:{line}", "exec"), namespace)
                except Exception:
                    print(f"FAILED {rel}, the block at line {line}:")
                    traceback.print_exc()
                    page_failed += 1
            else:
                test = parser.get_doctest(code, namespace, f"{rel}:{line}", str(page), line)
                result = runner.run(test, clear_globs=False)
                namespace.update(test.globs)  # DocTest ran on a copy: later blocks see its names
                page_failed += result.failed
        print(f"{rel}: {len(blocks)} blocks, {page_failed} failed ({time.perf_counter() - start:.1f} s)")
        failed += page_failed
        import matplotlib.pyplot as plt

        plt.close("all")
    return failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--modules-only", action="store_true")
    group.add_argument("--pages-only", action="store_true")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    failed = 0
    # Examples that write files (save/load, HDF5 monitors) write them into a scratch directory.
    with tempfile.TemporaryDirectory(prefix="brainpy-examples-") as scratch:
        os.chdir(scratch)
        if not args.pages_only:
            failed += run_modules(args.names)
        if not args.modules_only:
            failed += run_pages(args.names)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
