"""brainpylib checks sizes and indices before they reach XLA (issue 17, items 2 and 3).

An output length XLA cannot describe used to abort the process (SIGABRT); with 64-bit mode off,
int64/uint64 indices >= 2**31 given as NumPy arrays were truncated onto valid targets.  The risky
calls run in a child process, so that an abort fails the test instead of killing pytest.
"""

import os
import subprocess
import sys
import textwrap

import jax
import numpy as np
import pytest

import brainpylib

SIZES = r'''
import numpy as np, jax.numpy as jnp, brainpylib
ev, ind, ptr = np.array([True, False]), np.array([0, 1], np.int32), np.array([0, 1, 2], np.int32)
cases = [
    ("atomic_sum", lambda: brainpylib.atomic_sum(jnp.ones(2), ind, 2 ** 62)),
    ("atomic_prod", lambda: brainpylib.atomic_prod(jnp.ones(2), ind, 2 ** 61)),
    ("event_csr_sum", lambda: brainpylib.event_csr_sum(ev, ind, ptr, 1., 2 ** 62)),
    ("event_csr_prod", lambda: brainpylib.event_csr_prod(ev, ind, ptr, 1., 2 ** 62)),
    ("event_csr_matvec", lambda: brainpylib.event_csr_matvec(1., ind, ptr, ev, (2, 2 ** 62), True)),
    ("csr_matvec", lambda: brainpylib.csr_matvec(1., ind, ptr, jnp.ones(2), (2, 2 ** 62), True)),
    ("jitconn", lambda: brainpylib.matvec_prob_conn_homo_weight(jnp.ones(3), 1., 0.1, 1, (2 ** 62, 3))),
]
for name, call in cases:
    try:
        call()
    except ValueError as e:
        print(f"{name} -> {e}", flush=True)
    else:
        print(f"{name} -> NO ERROR", flush=True)
'''


@pytest.mark.parametrize("x64", [False, True])
def test_output_lengths_that_aborted_now_raise(x64):
    env = dict(os.environ, JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1" if x64 else "0")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(SIZES)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"ended with {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    lines = [line for line in proc.stdout.splitlines() if " -> " in line]
    assert len(lines) == SIZES.count("lambda:"), proc.stdout
    for line in lines:
        assert "NO ERROR" not in line, line
        assert ("largest index JAX can address" in line or "more than XLA can allocate" in line
                or "32-bit words" in line), line


@pytest.mark.parametrize("ids", [np.array([0, 2 ** 32 + 1], np.int64), np.array([0, 2 ** 32 + 1], np.uint64),
                                 np.array([0, 2 ** 31], np.uint32), [0, 2 ** 32 + 1]],
                         ids=["int64", "uint64", "uint32", "list"])
def test_indices_int32_cannot_hold_raise_instead_of_wrapping(ids):
    with jax.enable_x64(False):  # the int32 indices of 64-bit mode off
        _check_int32_cannot_hold(ids)


def _check_int32_cannot_hold(ids):
    ptr = np.array([0, 1, 2], np.int32)
    for call in (lambda: brainpylib.atomic_sum(np.ones(2, np.float32), ids, 3),
                 lambda: brainpylib.atomic_sum(np.ones(2, np.float32), np.array([0, 1]), 3, ids),
                 lambda: brainpylib.event_csr_sum(np.array([True, True]), ids, ptr, 1., 3),
                 lambda: brainpylib.event_csr_prod(np.array([True, True]), ids, ptr, 1., 3),
                 lambda: brainpylib.csr_matvec(1., ids, ptr, np.ones(2, np.float32), (2, 3), True)):
        with pytest.raises(ValueError, match=r"holds the value \d+, which does not fit the int32"):
            call()


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.uint32, np.int16])
def test_indices_that_fit_compute_as_int32(dtype):
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 6, 30)
    counts = np.bincount(rng.integers(0, 4, 30), minlength=4)
    ptr = np.concatenate([[0], np.cumsum(counts)])
    w = rng.random(30).astype(np.float32)
    events = np.array([True, False, True, True])
    for fn in (lambda i, p: brainpylib.atomic_sum(w, i, 6),
               lambda i, p: brainpylib.event_csr_sum(events, i, p, w, 6),
               lambda i, p: brainpylib.event_csr_prod(events, i, p, w, 6)):
        want = np.asarray(fn(ids.astype(np.int32), ptr.astype(np.int32)))
        np.testing.assert_array_equal(np.asarray(fn(ids.astype(dtype), ptr.astype(dtype))), want)
