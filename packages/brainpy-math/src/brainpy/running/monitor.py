"""`Monitor`: what a runner records, and the recorded trajectories after a run."""

import collections
import numbers
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from brainpy.errors import BrainPyAttributeError, BrainPyKeyError, MonitorError
from brainpy.math.ndarray import Array, Variable

__all__ = ["Monitor", "MonitorItem", "SpikeRecord"]

#: a recording interval (time units) or None (every step)
Interval = Optional[float]
#: the ``intervals`` of a monitor: one for all, one per quantity, or by key
Intervals = Union[Interval, Sequence[Interval], Mapping[str, Interval]]

#: The record of an event quantity (spikes): the flat element indices and the times of the
#: events, in time order (ties in index order).  ``Monitor(..., events=[...])`` records in memory
#: and `brainpy.running.HDF5Monitor` in a file both return it.
SpikeRecord = collections.namedtuple("SpikeRecord", ["indices", "times"])


class MonitorItem:
    """One monitored quantity: its key, its target (a path or a Variable), indices and interval.

    Attributes:
      key: the name the trajectory is stored under (``mon[key]``).
      target: a path string such as ``'E.spike'``, or the `Variable` itself.
      indices: None (every element) or an integer array of positions in the flattened Variable.
      interval: None (every step) or the recording interval in time units.
    """

    __slots__ = ("key", "target", "indices", "interval")

    def __init__(self, key: str, target: Union[str, Variable], indices: Any = None, interval: Interval = None):
        self.key = key
        self.target = target
        self.indices = indices
        self.interval = interval

    def __repr__(self):
        return f"MonitorItem(key={self.key!r}, indices={self.indices}, interval={self.interval})"


def _as_indices(indices, key):
    if indices is None:
        return None
    if isinstance(indices, Array):
        indices = np.asarray(indices.value)
    arr = np.asarray(indices)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise MonitorError(
            f"Monitor item {key!r}: indices must be integers (positions in the flattened "
            f"Variable), got {indices!r}."
        )
    return arr.reshape(-1)


def _as_interval(interval, key):
    if interval is None:
        return None
    if isinstance(interval, bool) or not isinstance(interval, numbers.Real) or not interval > 0:
        raise MonitorError(f"Monitor item {key!r}: the interval must be a positive number, got {interval!r}.")
    return float(interval)


def _is_index_sequence(x) -> bool:
    if isinstance(x, (Array, np.ndarray)):
        return True
    return isinstance(x, (list, tuple)) and all(isinstance(i, numbers.Integral) for i in x)


def _parse_item(item) -> MonitorItem:
    """One entry of a list of monitors: ``'V'``, ``('V', indices)`` or ``('name', Variable[, indices])``."""
    if isinstance(item, str):
        return MonitorItem(item, item)
    if isinstance(item, (tuple, list)) and len(item) in (2, 3) and isinstance(item[0], str):
        key = item[0]
        if isinstance(item[1], Variable):
            indices = item[2] if len(item) == 3 else None
            return MonitorItem(key, item[1], _as_indices(indices, key))
        if len(item) == 2:
            return MonitorItem(key, key, _as_indices(item[1], key))
    raise MonitorError(
        f"Cannot understand the monitor {item!r}; expected a path string like 'E.spike', a tuple "
        f"(path, indices), or a tuple (name, Variable[, indices])."
    )


class Monitor:
    """The monitored quantities of a runner and, after a run, their trajectories.

    Monitors are named by strings resolved in the simulated target, first as a relative path
    (``'E.spike'``: attribute ``spike`` of the child ``E``) and then as an absolute path
    (``'LIF0.spike'``: attribute ``spike`` of the node named ``LIF0``).  A Variable is recorded
    flattened: after ``T`` steps, a Variable of shape ``(N, M)`` gives an array of shape
    ``(T, N * M)``; with indices, only those positions of the flattened Variable are kept.

    Args:
      variables: the monitored quantities, one of

        * a sequence of path strings and ``(path, indices)`` or ``(name, Variable[, indices])``
          tuples, e.g. ``['V', ('spike', [1, 2, 3])]``;
        * a dict ``{path: None or indices}`` or ``{name: Variable}``.
      intervals: None (record every step), one positive interval (in time units) for every
        quantity, a sequence aligned with ``variables``, or a dict ``{key: interval}``.  The
        recording times of a quantity with an interval are in ``mon[key + '.t']``.
      events: keys of boolean quantities (spikes) to record as events rather than as a dense
        ``(T, n)`` array: ``mon[key]`` is then a `SpikeRecord` ``(indices, times)`` holding only
        the True entries, as Brian2's ``SpikeMonitor`` does.  A run of ``T`` steps of ``n``
        neurons holds 8 bytes per spike instead of ``T * n`` bytes.  The indices are positions in
        the recorded (flattened, and with indices, selected) values, the columns of the dense
        record.  Default: none; every quantity is recorded densely.

    Attributes:
      ts: the times of the last run (a NumPy array), None before a run.
      items: the `MonitorItem` objects.

    Examples:
      >>> import brainpy as bp
      >>> mon = bp.running.Monitor(variables=['V', ('spike', [0, 2])])
      >>> mon.keys()
      ['V', 'spike']

      Spikes as events, in memory:

      >>> group = bp.dyn.LIF(3, tau_ref=2.)
      >>> mon = bp.running.Monitor(['spike'], events=['spike'])
      >>> runner = bp.dyn.DSRunner(group, monitors=mon, inputs=('input', 26.), progress_bar=False)
      >>> _ = runner.run(40.)
      >>> runner.mon['spike'].indices, runner.mon['spike'].times
      (array([0, 1, 2, 0, 1, 2], dtype=int32), array([14.6, 14.6, 14.6, 33.1, 33.1, 33.1], dtype=float32))
    """

    def __init__(self, variables: Union[Sequence, Dict[str, Any], None] = None, intervals: Intervals = None,
                 events: Optional[Sequence[str]] = None):
        items: List[MonitorItem] = []
        if variables is None:
            variables = ()
        if isinstance(variables, str):
            variables = (variables,)
        if isinstance(variables, dict):
            for key, value in variables.items():
                if not isinstance(key, str):
                    raise MonitorError(f"Monitor keys must be strings, got {key!r}.")
                if isinstance(value, Variable):
                    items.append(MonitorItem(key, value))
                else:
                    items.append(MonitorItem(key, key, _as_indices(value, key)))
        elif isinstance(variables, (list, tuple)):
            if (isinstance(variables, tuple) and len(variables) in (2, 3) and isinstance(variables[0], str)
                    and (isinstance(variables[1], Variable) or _is_index_sequence(variables[1]))):
                variables = [variables]
            items.extend(_parse_item(v) for v in variables)
        else:
            raise MonitorError(
                f"Monitor variables must be a list/tuple or a dict, got {type(variables).__name__}."
            )
        keys = [it.key for it in items]
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        if duplicated:
            raise MonitorError(f"Monitor keys must be unique; {duplicated} appear more than once.")
        self.items: List[MonitorItem] = items
        self._set_intervals(intervals)
        self.events: List[str] = self._check_events(events)
        self.ts: Any = None  # NumPy times (a brainpy Array when a runner keeps numpy_mon_after_run=False)
        self._data: Dict[str, Any] = {}

    def _set_intervals(self, intervals):
        if intervals is None:
            return
        if isinstance(intervals, dict):
            unknown = [k for k in intervals if k not in self.keys()]
            if unknown:
                raise MonitorError(f"Monitor intervals name unknown keys {unknown}; the keys are {self.keys()}.")
            for it in self.items:
                it.interval = _as_interval(intervals.get(it.key), it.key)
        elif isinstance(intervals, (list, tuple)):
            if len(intervals) != len(self.items):
                raise MonitorError(
                    f"Monitor intervals: got {len(intervals)} intervals for {len(self.items)} quantities."
                )
            for it, iv in zip(self.items, intervals):
                it.interval = _as_interval(iv, it.key)
        else:
            for it in self.items:
                it.interval = _as_interval(intervals, it.key)

    def _check_events(self, events) -> List[str]:
        if events is None:
            return []
        if isinstance(events, str):
            events = [events]
        if not isinstance(events, (list, tuple)) or not all(isinstance(k, str) for k in events):
            raise MonitorError(f"{type(self).__name__}: events must be a list of monitor keys, got {events!r}.")
        unknown = [k for k in events if k not in self.keys()]
        if unknown:
            raise MonitorError(f"{type(self).__name__}: events names unknown keys {unknown}; the keys are "
                               f"{self.keys()}.")
        return list(events)

    # ----- access -----
    def keys(self) -> List[str]:
        """The monitor keys, in declaration order (function monitors included)."""
        return [it.key for it in self.items]

    @property
    def item_contents(self) -> Dict[str, Any]:
        """The recorded trajectories of the last run, ``{key: array}``."""
        return self._data

    def __getitem__(self, key: str):
        if key == "ts":
            return self.ts
        try:
            return self._data[key]
        except KeyError:
            if key in self.keys():
                raise MonitorError(f"Monitor {key!r} has no data yet; run the runner first.") from None
            raise BrainPyKeyError(f"No monitor {key!r}; the monitors are {self.keys()}.") from None

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("items", "_data", "ts"):
            raise BrainPyAttributeError(name)
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        raise BrainPyAttributeError(f"'Monitor' has no attribute or monitor {name!r}; the monitors are {self.keys()}.")

    def __contains__(self, key):
        return key in self._data

    def __setitem__(self, key: str, value):
        self._data[key] = value

    def reset(self) -> None:
        """Forget the recorded data (the monitored quantities stay)."""
        self.ts = None
        self._data = {}

    def numpy(self) -> "Monitor":
        """Convert every recorded trajectory (and ``ts``) into a NumPy array, in place."""
        for key, value in self._data.items():
            self._data[key] = np.asarray(value.value if isinstance(value, Array) else value)
        if self.ts is not None:
            self.ts = np.asarray(self.ts.value if isinstance(self.ts, Array) else self.ts)
        return self

    def __repr__(self):
        shapes = {k: getattr(v, "shape", None) for k, v in self._data.items()}
        return f"Monitor(keys={self.keys()}, recorded={shapes})"
