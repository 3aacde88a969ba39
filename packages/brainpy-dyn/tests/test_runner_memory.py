"""A runner and its records are freed as soon as the last reference to the runner goes (issue 17,
item 6).

Runners cache their compiled loops; closures that held the runner itself, and an exception kept
with its traceback while brainpylib's kernels were loaded during tracing, put every runner in a
reference cycle, so that a script creating a new runner per run held each run's records until the
cyclic garbage collector happened to run (~0.8 GB more per run with ~400 MB of records).  These
tests disable the cyclic collector: what they check is freed by reference counting alone.
"""

import gc
import os
import subprocess
import sys
import textwrap
import weakref

import numpy as np
import pytest

import brainpy.dyn as dyn
import brainpy.math as bm
from brainpy.integrators import IntegratorRunner, odeint


@pytest.fixture
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _freed_after_run(make, run):
    runner = make()
    run(runner)
    records = [runner.mon[key] for key in runner.mon.keys()]
    assert records and all(isinstance(r, np.ndarray) for r in records)
    refs = [weakref.ref(runner)] + [weakref.ref(r) for r in records]
    del runner, records
    return [ref() is None for ref in refs]


RUNNERS = {
    "DSRunner": lambda g: dyn.DSRunner(g, monitors=["V", "spike"], inputs=("input", 20.), progress_bar=False),
    "DSRunner, progress bar": lambda g: dyn.DSRunner(g, monitors=["V"], progress_bar=True),
    "DSRunner, func input and fun_monitors": lambda g: dyn.DSRunner(
        g, monitors=["V"], inputs=[("input", lambda tdi: 21., "func")],
        fun_monitors={"v0": lambda tdi: g.V[0]}, progress_bar=False),
    "DSRunner, jit=False": lambda g: dyn.DSRunner(g, monitors=["V"], jit=False, progress_bar=False),
    "ReportRunner": lambda g: dyn.ReportRunner(g, monitors=["V"], progress_bar=False),
}


@pytest.mark.parametrize("name", list(RUNNERS))
def test_a_dropped_runner_is_freed_with_its_records(name, no_cyclic_gc):
    group = dyn.LIF(20)
    runner_freed, *records_freed = _freed_after_run(lambda: RUNNERS[name](group), lambda r: r.run(2.))
    assert runner_freed, f"{name} is kept alive by a reference cycle"
    assert all(records_freed)


@pytest.mark.parametrize("progress_bar", [False, True])
def test_a_dropped_integrator_runner_is_freed(progress_bar, no_cyclic_gc):
    integral = odeint(lambda x, t: -x)
    runner = IntegratorRunner(integral, monitors=["x"], inits=[1.], dt=0.1, progress_bar=progress_bar)
    runner.run(1.)
    ref = weakref.ref(runner)
    del runner
    assert ref() is None


def test_the_group_outlives_its_runner_and_runs_again(no_cyclic_gc):
    # the runner holds the group; the group must not need the runner (no dangling reference)
    group = dyn.LIF(5)
    dyn.DSRunner(group, inputs=("input", 26.), progress_bar=False).run(5.)
    runner = dyn.DSRunner(group, monitors=["V"], inputs=("input", 26.), progress_bar=False)
    runner.run(5.)
    assert runner.mon.V.shape == (50, 5) and bm.as_numpy(group.V).shape == (5,)


MEMORY = r'''
import gc, os
import brainpy.dyn as dyn
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
gc.disable()
group = dyn.LIF(10000)
after = []
for k in range(6):
    runner = dyn.DSRunner(group, monitors=["V"], dt=0.1, progress_bar=False)
    runner.run(1000.)                      # 10000 steps x 10000 float32 = 400 MB of records
    assert runner.mon.V.nbytes == 400_000_000
    after.append(rss_mb())
print(" ".join(f"{x:.0f}" for x in after))
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_six_runs_with_new_runners_hold_one_run_of_records():
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(MEMORY)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = [float(x) for x in proc.stdout.split()]
    # each new runner replaces the last: at most one run's 400 MB is held at a time, so the
    # resident size after run 6 is within 100 MB of that after run 1 (was +2 GB by run 3)
    assert max(after) - after[0] < 100, after
