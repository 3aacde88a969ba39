"""``python -m brainpy.math.plugins``: what is registered and by whom, and the operator backend.

    python -m brainpy.math.plugins               # everything, then the operator backend
    python -m brainpy.math.plugins models        # one kind only
    python -m brainpy.math.plugins backend       # only the operator backend (brainpylib or pure JAX)
"""

import argparse
import sys

from brainpy.math.plugins.manager import KINDS, describe_plugins


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m brainpy.math.plugins",
        description="List what BrainPy's plugins register (integrators, models, connectors, "
                    "initializers, training algorithms, trainers) and by which distribution, "
                    "and report the operator backend: brainpylib's compiled kernels (which ones) "
                    "or pure JAX (and why).")
    parser.add_argument("kind", nargs="?", choices=KINDS + ("backend",),
                        help="show only this kind of registration, or only the operator backend")
    args = parser.parse_args(argv)
    # imported here so that --help works even when JAX cannot start
    from brainpy.math.operators.backend import operator_backend

    if args.kind != "backend":
        print(describe_plugins(args.kind))
    if args.kind in (None, "backend"):
        if args.kind is None:
            print()
        print(operator_backend())
    return 0


if __name__ == "__main__":
    sys.exit(main())
