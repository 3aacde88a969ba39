"""brainpy.measure: measures of simulated neural activity, reachable as ``bp.measure``.

* synchrony: `cross_correlation` (spike coincidence), `voltage_fluctuation`;
* correlation: `matrix_correlation`, `functional_connectivity`, `weighted_correlation`;
* spikes: `raster_plot` (spike indices and times), `firing_rate` (population rate in Hz).

Recordings are arrays with time on the first axis and neurons on the second, as monitored by
a runner (``runner.mon['E.spike']``).  Functions with a ``numpy`` argument compute with NumPy
and return NumPy values by default; ``numpy=False`` computes with JAX (usable under ``jit``)
and returns `brainpy.math.Array`.
"""

import math
from typing import TYPE_CHECKING, Optional, Union

import jax.numpy as jnp
import numpy as np

from brainpy.math.environment import get_dt
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.errors import BrainPyValueError

if TYPE_CHECKING:
    from brainpy.running.hdf5_monitor import SpikeRecord

__all__ = [
    "cross_correlation",
    "voltage_fluctuation",
    "matrix_correlation",
    "functional_connectivity",
    "weighted_correlation",
    "raster_plot",
    "firing_rate",
]


def _backend(numpy):
    return np if numpy else jnp


def _out(value, numpy):
    if numpy:
        value = np.asarray(value)
        return value.item() if value.ndim == 0 else value
    return Array(value)


def _as(x, xp, name, fname, ndim=None):
    x = unwrap(x)
    x = np.asarray(x) if xp is np else jnp.asarray(x)
    if ndim is not None and x.ndim != ndim:
        raise BrainPyValueError(f"brainpy.measure.{fname}: {name} must be {ndim}-D, got shape {x.shape}.")
    return x


def _check_number(fname, name, value, allow_zero, meaning):
    """``value`` must be a finite real number > 0 (>= 0 with ``allow_zero``)."""
    try:
        x = float(value) if not isinstance(value, (bool, str, bytes)) and np.ndim(value) == 0 else None
    except (TypeError, ValueError):
        x = None
    if x is None or not math.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        expected = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise BrainPyValueError(f"brainpy.measure.{fname}: {name} must be {expected} ({meaning}), got {value!r}.")


def cross_correlation(spikes: ArrayLike, bin: float, dt: Optional[float] = None,
                      numpy: bool = True) -> Union[float, Array]:
    r"""The mean pairwise spike-coincidence coefficient of a population.

    Time is cut into bins of width ``bin``; ``X_i(l)`` is 1 when neuron ``i`` fires in bin
    ``l``.  For each pair,

    .. math::

        \kappa_{ij} = \frac{\sum_l X_i(l) X_j(l)}{\sqrt{\sum_l X_i(l) \sum_l X_j(l)}}

    (0 when a neuron never fires), and the result is the mean over the pairs ``i < j``.

    Args:
      spikes: the spike matrix, shape ``(num_time, num_neuron)``.
      bin: the bin width, in the time unit of ``dt``.
      dt: the time step (default ``brainpy.math.get_dt()``).
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      The population coincidence coefficient.
    """
    xp = _backend(numpy)
    spikes = _as(spikes, xp, "spikes", "cross_correlation", ndim=2)
    dt = get_dt() if dt is None else dt
    _check_number("cross_correlation", "bin", bin, allow_zero=False, meaning="the bin width")
    _check_number("cross_correlation", "dt", dt, allow_zero=False, meaning="the time step")
    bin_size = int(round(bin / dt))
    if bin_size < 1:
        raise BrainPyValueError(f"brainpy.measure.cross_correlation: bin={bin} is shorter than dt={dt}.")
    num_time, num_neu = spikes.shape
    if num_neu < 2:
        raise BrainPyValueError(f"brainpy.measure.cross_correlation: needs at least 2 neurons, got {num_neu}.")
    num_bin = -(-num_time // bin_size)
    pad = num_bin * bin_size - num_time
    spikes = xp.concatenate([spikes, xp.zeros((pad, num_neu), dtype=spikes.dtype)], axis=0) if pad else spikes
    states = (spikes.reshape(num_bin, bin_size, num_neu).sum(axis=1) > 0).astype(float)
    counts = states.sum(axis=0)
    coincidences = states.T @ states
    norm = xp.sqrt(xp.outer(counts, counts))
    kappa = xp.where(norm > 0, coincidences / xp.where(norm > 0, norm, 1.0), 0.0)
    rows, cols = np.triu_indices(num_neu, k=1)
    return _out(xp.mean(kappa[rows, cols]), numpy)


def voltage_fluctuation(potentials: ArrayLike, numpy: bool = True) -> Union[float, Array]:
    r"""The synchrony measure of Golomb and Rinzel: variance of the population mean over the mean variance.

    .. math::

        \chi^2 = \frac{\mathrm{Var}_t\left[\frac{1}{N}\sum_i V_i(t)\right]}{\frac{1}{N}\sum_i \mathrm{Var}_t[V_i(t)]}

    Args:
      potentials: membrane potentials, shape ``(num_time, num_neuron)``.
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      The synchrony index (1 for fully synchronous activity, about ``1/N`` for independent
      neurons; 1 when no neuron fluctuates).
    """
    xp = _backend(numpy)
    potentials = _as(potentials, xp, "potentials", "voltage_fluctuation", ndim=2)
    population = potentials.mean(axis=1)
    population_var = xp.mean(population ** 2) - xp.mean(population) ** 2
    neuron_var = xp.mean(xp.mean(potentials ** 2, axis=0) - xp.mean(potentials, axis=0) ** 2)
    return _out(xp.where(neuron_var != 0, population_var / xp.where(neuron_var != 0, neuron_var, 1.0), 1.0), numpy)


def _pearson(x, y, xp):
    x = x - x.mean()
    y = y - y.mean()
    return (x @ y) / xp.sqrt((x @ x) * (y @ y))


def matrix_correlation(x: ArrayLike, y: ArrayLike, numpy: bool = True) -> Union[float, Array]:
    """The Pearson correlation between the strictly lower triangles of two square matrices.

    Args:
      x: a square matrix (e.g. a simulated functional connectivity).
      y: a square matrix of the same shape (e.g. an empirical one).
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      The correlation coefficient.
    """
    xp = _backend(numpy)
    x = _as(x, xp, "x", "matrix_correlation", ndim=2)
    y = _as(y, xp, "y", "matrix_correlation", ndim=2)
    if x.shape != y.shape or x.shape[0] != x.shape[1]:
        raise BrainPyValueError(
            f"brainpy.measure.matrix_correlation: x and y must be square matrices of the same shape, "
            f"got {x.shape} and {y.shape}."
        )
    rows, cols = np.tril_indices(x.shape[0], k=-1)
    return _out(_pearson(x[rows, cols], y[rows, cols], xp), numpy)


def functional_connectivity(activities: ArrayLike, numpy: bool = True) -> Union[np.ndarray, Array]:
    """The functional connectivity matrix: Pearson correlations between the activity time series.

    Args:
      activities: shape ``(num_time, num_node)``.
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      A ``(num_node, num_node)`` matrix; entries involving a constant series are 0.
    """
    xp = _backend(numpy)
    activities = _as(activities, xp, "activities", "functional_connectivity", ndim=2)
    centered = activities - activities.mean(axis=0)
    cov = centered.T @ centered
    std = xp.sqrt(xp.diag(cov))
    norm = xp.outer(std, std)
    fc = xp.where(norm > 0, cov / xp.where(norm > 0, norm, 1.0), 0.0)
    return _out(fc, numpy)


def weighted_correlation(x: ArrayLike, y: ArrayLike, w: ArrayLike, numpy: bool = True) -> Union[float, Array]:
    r"""The weighted Pearson correlation of two series.

    .. math::

        r = \frac{\mathrm{cov}_w(x, y)}{\sqrt{\mathrm{cov}_w(x, x)\,\mathrm{cov}_w(y, y)}},\quad
        \mathrm{cov}_w(x, y) = \frac{\sum_i w_i (x_i - m_w(x))(y_i - m_w(y))}{\sum_i w_i}

    Args:
      x: a 1-D series.
      y: a 1-D series of the same length.
      w: non-negative weights, one per element.
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      The weighted correlation coefficient.
    """
    xp = _backend(numpy)
    x = _as(x, xp, "x", "weighted_correlation", ndim=1)
    y = _as(y, xp, "y", "weighted_correlation", ndim=1)
    w = _as(w, xp, "w", "weighted_correlation", ndim=1)
    if not x.shape == y.shape == w.shape:
        raise BrainPyValueError(
            f"brainpy.measure.weighted_correlation: x, y and w must have the same length, got "
            f"{x.shape}, {y.shape} and {w.shape}."
        )
    total = w.sum()
    xc = x - (w * x).sum() / total
    yc = y - (w * y).sum() / total
    cov_xy = (w * xc * yc).sum() / total
    cov_xx = (w * xc * xc).sum() / total
    cov_yy = (w * yc * yc).sum() / total
    return _out(cov_xy / xp.sqrt(cov_xx * cov_yy), numpy)


def _is_event_record(x) -> bool:
    """An event record ``(indices, times)``, like the `SpikeRecord` of an `HDF5Monitor`."""
    return isinstance(x, tuple) and hasattr(x, "indices") and hasattr(x, "times")


def raster_plot(sp_matrix: Union[ArrayLike, "SpikeRecord"],
                times: Union[ArrayLike, "SpikeRecord", None] = None) -> "SpikeRecord":
    """The neuron index and time of every spike, for a raster plot.

    The BrainPy 2.1 order is ``raster_plot(sp_matrix, times)``; ``bp.visualize.raster_plot``
    takes ``(ts, sp_matrix)``.  So that either order works in both, the arguments are told
    apart by their shapes: the times are the 1-D argument, the spikes the other one (2-D or
    more; a single neuron's spikes must have shape ``(num_time, 1)``).  An event record
    ``(indices, times)`` (the `brainpy.running.SpikeRecord` that ``HDF5Monitor`` returns for a
    spike quantity) may be given instead of the spike matrix, alone or with the times, which
    it then does not need.

    Args:
      sp_matrix: the spikes: a matrix of shape ``(num_time, num_neuron)`` (nonzero means a
        spike; more dimensions are flattened per step), or an event record.
      times: the time of each row of ``sp_matrix``, shape ``(num_time,)``.

    Returns:
      A `brainpy.running.SpikeRecord` ``(indices, times)`` of NumPy arrays: the neuron index and
      the time of each spike, ordered by time then by neuron (an event record is returned in
      its own order).  It unpacks as ``index, time = raster_plot(sp_matrix, times)``.

    Examples:
      Three neurons over three steps of 0.1 ms (a runner's ``mon['spike']`` and ``mon.ts``):

      >>> spikes = np.array([[0, 1, 0], [1, 0, 1], [0, 0, 0]], dtype=bool)
      >>> ts = np.array([0., 0.1, 0.2])
      >>> index, t = bp.measure.raster_plot(spikes, ts)
      >>> index, t
      (array([1, 0, 2]), array([0. , 0.1, 0.1]))

      BrainPy 2.1's argument order, times first, gives the same:

      >>> index, t = bp.measure.raster_plot(ts, spikes)
    """
    return _spike_events(sp_matrix, times, "brainpy.measure.raster_plot")


def _spike_events(sp_matrix, times, fname):
    """The `SpikeRecord` of spikes given as (matrix, times) in either order, or as an event record."""
    from brainpy.running.hdf5_monitor import SpikeRecord

    records = [x for x in (sp_matrix, times) if _is_event_record(x)]
    if len(records) == 2:
        raise BrainPyValueError(f"{fname}: got two event records; give one, with or without the times.")
    if records:
        indices, spike_times = (np.asarray(unwrap(v)) for v in records[0])
        if indices.ndim != 1 or indices.shape != spike_times.shape:
            raise BrainPyValueError(f"{fname}: an event record holds two 1-D arrays of the same length "
                                    f"(indices, times), got shapes {indices.shape} and {spike_times.shape}.")
        return SpikeRecord(indices, spike_times)
    if times is None:
        raise BrainPyValueError(f"{fname}: needs the spike matrix and the times (or one event record (indices, times)).")
    a, b = np.asarray(unwrap(sp_matrix)), np.asarray(unwrap(times))
    if a.ndim >= 2 and b.ndim == 1:
        spikes, times = a, b
    elif a.ndim == 1 and b.ndim >= 2:
        spikes, times = b, a
    else:
        raise BrainPyValueError(
            f"{fname}: expected the spikes of shape (num_time, num_neuron) and the 1-D times of shape "
            f"(num_time,), in either order; got shapes {a.shape} and {b.shape}. (The spikes of one neuron "
            f"need the shape (num_time, 1).)"
        )
    spikes = spikes.reshape(spikes.shape[0], -1)
    if spikes.shape[0] != times.shape[0]:
        raise BrainPyValueError(f"{fname}: the spikes have {spikes.shape[0]} rows (time steps) but there are "
                                f"{times.shape[0]} times.")
    steps, neurons = np.nonzero(spikes > 0)
    return SpikeRecord(neurons, times[steps])


def firing_rate(sp_matrix: ArrayLike, width: float, dt: Optional[float] = None,
                numpy: bool = True) -> Union[np.ndarray, Array]:
    """The population firing rate (Hz), averaged over a centred window of about ``width`` ms.

    The window spans ``2 * floor(width / 2 / dt) + 1`` steps; it is cut at the ends of the
    recording (treated as silent there).

    Args:
      sp_matrix: the spike matrix, shape ``(num_time, num_neuron)``, time step ``dt`` in ms.
      width: the width of the moving window, in ms.
      dt: the time step (default ``brainpy.math.get_dt()``).
      numpy: compute with NumPy (True) or JAX (False).

    Returns:
      The rate at each time step, shape ``(num_time,)``.
    """
    xp = _backend(numpy)
    sp_matrix = _as(sp_matrix, xp, "sp_matrix", "firing_rate", ndim=2)
    dt = get_dt() if dt is None else dt
    _check_number("firing_rate", "width", width, allow_zero=True, meaning="the window width in ms")
    _check_number("firing_rate", "dt", dt, allow_zero=False, meaning="the time step in ms")
    half = int(width / 2 / dt)
    # Spikes per neuron in the window divided by the window length in seconds.
    window = xp.ones(2 * half + 1) * (1000.0 / ((2 * half + 1) * dt))
    return _out(xp.convolve(sp_matrix.mean(axis=1), window, mode="same"), numpy)


def __dir__():
    # the public functions only: not the imported modules and helpers (np, jnp, get_dt, ...)
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")})
