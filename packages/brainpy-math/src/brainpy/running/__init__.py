"""brainpy.running: the machinery shared by every BrainPy runner.

* `Runner`: the base class of runners (``DSRunner`` and ``ReportRunner`` of `brainpy.dyn`, the
  runners of `brainpy.nn` and `brainpy.integrators`): it holds the simulated target, resolves the
  monitored Variables by relative then absolute path and gathers the Variables to compile.
* `Monitor`: the record of monitored trajectories (``mon.ts``, ``mon['E.spike']``, ``mon.V``).
* `SharedArgs`: the per-step shared arguments (``t``, ``dt``, ``i``) given to ``update(tdi)``.
* `HDF5Monitor`: a monitor streaming each chunk of a run into an HDF5 file (spikes as
  ``(indices, times)``), and `read_hdf5_monitor` reading such a file back.
* `processes`: how checkpoints and HDF5 streams work when a run spans several JAX processes.
* `process_pool` and `process_pool_lock`: run many independent simulations in parallel
  processes.
"""

from brainpy.running import processes
from brainpy.running.hdf5_monitor import HDF5Monitor, read_hdf5_monitor
from brainpy.running.monitor import Monitor, SpikeRecord
from brainpy.running.parallel import process_pool, process_pool_lock
from brainpy.running.runner import Runner, SharedArgs, call_with_shared, shared_arg_style

__all__ = [
    "Runner",
    "Monitor",
    "HDF5Monitor",
    "SpikeRecord",
    "read_hdf5_monitor",
    "SharedArgs",
    "call_with_shared",
    "shared_arg_style",
    "process_pool",
    "process_pool_lock",
    "processes",
]
