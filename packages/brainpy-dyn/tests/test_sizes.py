"""Group and connector sizes are checked before XLA sees them (issue 17, item 2).

``bp.dyn.LIF(2**62)`` used to abort the process inside XLA (SIGABRT); a size JAX cannot index or
no device can hold now raises ModelBuildError (ConnectorError for connectors).  The calls run in a
child process, so that an abort fails the test instead of killing pytest.
"""

import os
import subprocess
import sys
import textwrap

import pytest

import brainpy as bp
import brainpy.dyn  # noqa: F401  (bp.dyn without the meta-package)
from brainpy.errors import ModelBuildError

CODE = r'''
import brainpy as bp
import brainpy.connect as conn
import brainpy.dyn
cases = [
    ("LIF(2**62)", lambda: bp.dyn.LIF(2 ** 62)),
    ("LIF((2**31, 2**31))", lambda: bp.dyn.LIF((2 ** 31, 2 ** 31))),
    ("HH(2**62)", lambda: bp.dyn.HH(2 ** 62)),
    ("ConstantDelay(2**62)", lambda: bp.dyn.ConstantDelay(2 ** 62, delay=1.)),
    ("FixedProb(2**62, 10)", lambda: conn.FixedProb(0.1)(2 ** 62, 10)),
    ("All2All(10, 2**62)", lambda: conn.All2All()(10, 2 ** 62)),
]
for name, call in cases:
    try:
        call()
    except ValueError as e:
        print(f"{name} -> {type(e).__name__}: {e}", flush=True)
    else:
        print(f"{name} -> NO ERROR", flush=True)
'''


@pytest.mark.parametrize("x64", [False, True])
def test_sizes_that_aborted_now_raise_a_clear_error(x64):
    env = dict(os.environ, JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1" if x64 else "0")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(CODE)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"ended with {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    lines = [line for line in proc.stdout.splitlines() if " -> " in line]
    assert len(lines) == CODE.count("lambda:"), proc.stdout
    for line in lines:
        name, result = line.split(" -> ", 1)
        assert "NO ERROR" not in result, line
        assert result.startswith("ConnectorError" if "(" in name and name[0] in "FA" else "ModelBuildError"), line
        assert "4611686018427387904" in result or "2147483648" in result, line  # the value is shown
        assert ("largest index JAX can address" in result
                or "of memory of the default device" in result), line


def test_group_size_limits_in_process():
    import jax
    with jax.enable_x64(False):
        with pytest.raises(ModelBuildError, match=r"LIF\(\): size \(2147483648,\): 2147483648 elements"):
            bp.dyn.LIF(2 ** 31)
        # neurons are numbered by one flat id: the total counts, not each axis
        with pytest.raises(ModelBuildError, match="4294967296 elements"):
            bp.dyn.LIF((2 ** 16, 2 ** 16))
    assert bp.dyn.LIF((3, 4)).num == 12
