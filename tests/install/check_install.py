"""Checks run by ``nox -s install`` inside a virtual environment that a README's command made.

    python tests/install/check_install.py DIST [DIST ...] [--backend brainpylib|jax-no-kernels]

Each DIST must be installed from this repository (its version equals the one in
``packages/<DIST>/pyproject.toml``, so never the unrelated project of the same name on the package
index), and nothing else named ``brainpy*`` may be installed.  ``--backend`` also checks which
operator backend brainpy.math reports, and for ``jax-no-kernels`` that running an event-driven
network warns exactly once that the kernels are missing, naming how to get them.
"""

import argparse
import importlib.metadata
import pathlib
import sys
import tomllib
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[2]


def check_versions(dists):
    problems = []
    for dist in dists:
        wanted = tomllib.loads((ROOT / "packages" / dist / "pyproject.toml").read_text())["project"]["version"]
        try:
            got = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{dist} is not installed")
            continue
        if got != wanted:
            problems.append(f"{dist} {got} is installed, expected this repository's {wanted}")
    ours = {d.name for d in (ROOT / "packages").iterdir() if (d / "pyproject.toml").exists()}
    for d in importlib.metadata.distributions():
        name = (d.metadata["Name"] or "").lower().replace("_", "-")
        if name.startswith("brainpy") and name not in ours:
            problems.append(f"an unrelated distribution {name} {d.version} was installed")
        if name in ours and name not in dists:
            problems.append(f"{name} was installed although the command did not name it")
    return problems


def check_backend(expected):
    import numpy as np

    import brainpy.math as bm

    problems = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # an event-driven scatter, twice: the first call may warn, the second must not
        for _ in range(2):
            out = bm.pre2post_event_sum(np.array([True, False, True]),
                                        (np.array([0, 1, 1], np.int32), np.array([0, 2, 2, 3], np.int32)),
                                        2, 0.5)
        report = bm.operator_backend()
    values = np.asarray(out.value if isinstance(out, bm.Array) else out)
    if not np.allclose(values, [0.5, 1.0]):
        problems.append(f"pre2post_event_sum gave {values}, expected [0.5, 1.0]")
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)
                and "brainpylib" in str(w.message)]
    if expected == "brainpylib":
        if report.name != "brainpylib" or not report.kernels:
            problems.append(f"expected the brainpylib kernels, got:\n{report}")
        if messages:
            problems.append(f"unexpected brainpylib warnings: {messages}")
    else:
        if report.name != "jax" or "without its compiled kernels" not in (report.reason or ""):
            problems.append(f"expected pure JAX because brainpylib has no kernels, got:\n{report}")
        if len(messages) != 1 or "C++17 compiler" not in messages[0]:
            problems.append(f"expected one warning saying how to get the kernels, got {messages}")
    print(report)
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dists", nargs="+")
    parser.add_argument("--backend", choices=["brainpylib", "jax-no-kernels"])
    args = parser.parse_args()
    problems = check_versions(args.dists)
    if args.backend:
        problems += check_backend(args.backend)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
