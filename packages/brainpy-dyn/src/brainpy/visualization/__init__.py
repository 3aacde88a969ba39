"""brainpy.visualization: matplotlib plots of simulation results, reachable as ``bp.visualize``.

* `line_plot`: variables over time; `raster_plot`: spikes over time;
* `animate_1D`, `animate_2D`: animations of a variable over a 1-D chain or a 2-D grid;
* figure helpers: `get_figure`, `plot_style1`, `remove_axis`.

Example::

    import brainpy as bp
    fig, gs = bp.visualize.get_figure(2, 1, 3, 8)
    fig.add_subplot(gs[0, 0])
    bp.visualize.line_plot(runner.mon.ts, runner.mon.V, plot_ids=[0, 1], legend='V')
    fig.add_subplot(gs[1, 0])
    bp.visualize.raster_plot(runner.mon.ts, runner.mon.spike, show=True)
"""

import numbers
import os
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from brainpy.math.environment import get_dt
from brainpy.math.ndarray import ArrayLike, unwrap
from brainpy.errors import BrainPyValueError

if TYPE_CHECKING:
    from matplotlib.animation import FuncAnimation
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure
    from matplotlib.gridspec import GridSpec

    from brainpy.running.hdf5_monitor import SpikeRecord

#: the values of an animated curve: an array, or a dict ``{'ys': array, 'xs': positions, 'legend': label}``
Curve = Union[ArrayLike, Dict[str, Any]]

__all__ = [
    "get_figure",
    "plot_style1",
    "remove_axis",
    "line_plot",
    "raster_plot",
    "animate_1D",
    "animate_2D",
]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _np(x):
    return np.asarray(unwrap(x))


def get_figure(row_num: int, col_num: int, row_len: float = 3, col_len: float = 6,
               name: Union[int, str, None] = None) -> Tuple["Figure", "GridSpec"]:
    """A figure sized for a ``row_num x col_num`` grid of panels, and its `GridSpec`.

    Args:
      row_num: the number of panel rows.
      col_num: the number of panel columns.
      row_len: the height of each row, in inches.
      col_len: the width of each column, in inches.
      name: the figure number or label (passed to ``plt.figure``).

    Returns:
      ``(fig, gs)``; add panels with ``fig.add_subplot(gs[i, j])``.
    """
    from matplotlib.gridspec import GridSpec

    plt = _plt()
    fig = plt.figure(name, figsize=(col_num * col_len, row_num * row_len), constrained_layout=True)
    gs = GridSpec(row_num, col_num, figure=fig)
    return fig, gs


def plot_style1(fontsize: float = 22, axes_edgecolor: str = "black", figsize: Union[str, Sequence[float]] = "5,4",
                lw: float = 1) -> None:
    """Set a large-font matplotlib style (fonts, line widths, figure size, no top/right spines).

    Args:
      fontsize: the base font size.
      axes_edgecolor: the colour of the axes frame.
      figsize: the default figure size as ``"width,height"`` in inches (or a pair).
      lw: the default line width.
    """
    import matplotlib as mpl

    if isinstance(figsize, str):
        figsize = [float(v) for v in figsize.split(",")]
    mpl.rcParams.update({
        "axes.edgecolor": axes_edgecolor,
        "axes.titlesize": fontsize,
        "axes.labelsize": fontsize,
        "legend.fontsize": fontsize,
        "xtick.labelsize": fontsize,
        "ytick.labelsize": fontsize,
        "font.size": fontsize,
        "figure.figsize": list(figsize),
        "lines.linewidth": lw,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def remove_axis(ax: "Axes", *pos: str) -> None:
    """Hide the given spines (``'left'``, ``'right'``, ``'top'``, ``'bottom'``) and their ticks.

    Args:
      ax: the axes.
      *pos: the spines to hide.
    """
    for p in pos:
        if p not in ("left", "right", "top", "bottom"):
            raise BrainPyValueError(f"remove_axis: expected 'left', 'right', 'top' or 'bottom', got {p!r}.")
        ax.spines[p].set_visible(False)
        if p in ("left", "right"):
            ax.tick_params(axis="y", which="both", **{p: False, f"label{p}": False})
        else:
            ax.tick_params(axis="x", which="both", **{p: False, f"label{p}": False})


def _decorate(ax, xlim, ylim, xlabel, ylabel, title, legend, show):
    if legend:
        ax.legend()
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if show:
        _plt().show()


def line_plot(ts: ArrayLike, val_matrix: ArrayLike, plot_ids: Union[int, Sequence[int], ArrayLike, None] = None,
              ax: Optional["Axes"] = None, xlim: Optional[Sequence[float]] = None,
              ylim: Optional[Sequence[float]] = None, xlabel: Optional[str] = "Time (ms)", ylabel: Optional[str] = None,
              legend: Optional[str] = None, title: Optional[str] = None, show: bool = False, **kwargs: Any) -> None:
    """Plot variables over time, one line per selected column.

    Args:
      ts: the times, shape ``(num_time,)``.
      val_matrix: the values, shape ``(num_time,)`` or ``(num_time, ...)`` (flattened per step).
      plot_ids: the column(s) to plot: an int or a sequence (default ``[0]``).
      ax: the axes (default: the current axes).
      xlim: ``(left, right)``.
      ylim: ``(bottom, top)``.
      xlabel: the x label.
      ylabel: the y label.
      legend: a label prefix: the line of column ``i`` is labelled ``f'{legend}-{i}'``.
      title: the title.
      show: call ``plt.show()`` at the end.
      **kwargs: passed to ``ax.plot``.
    """
    ts = _np(ts)
    val_matrix = _np(val_matrix)
    if val_matrix.shape[:1] != ts.shape:
        raise BrainPyValueError(
            f"line_plot: val_matrix must have one row per time point ({ts.shape[0]}), got shape {val_matrix.shape}."
        )
    val_matrix = val_matrix.reshape((val_matrix.shape[0], -1))
    if plot_ids is None:
        plot_ids = [0]
    elif isinstance(plot_ids, numbers.Integral):
        plot_ids = [int(plot_ids)]
    else:
        plot_ids = [int(i) for i in np.ravel(_np(plot_ids))]
    for i in plot_ids:
        if not -val_matrix.shape[1] <= i < val_matrix.shape[1]:
            raise BrainPyValueError(f"line_plot: plot id {i} is out of range for {val_matrix.shape[1]} columns.")
    ax = _plt().gca() if ax is None else ax
    for i in plot_ids:
        label = f"{legend}-{i}" if legend else None
        ax.plot(ts, val_matrix[:, i], label=label, **kwargs)
    _decorate(ax, xlim, ylim, xlabel, ylabel, title, legend, show)


def raster_plot(ts: Union[ArrayLike, "SpikeRecord"], sp_matrix: Union[ArrayLike, "SpikeRecord", None] = None,
                ax: Optional["Axes"] = None, marker: str = ".", markersize: float = 2,
                color: Union[str, Sequence[float]] = "k", xlabel: Optional[str] = "Time (ms)",
                ylabel: Optional[str] = "Neuron index", xlim: Optional[Sequence[float]] = None,
                ylim: Optional[Sequence[float]] = None, title: Optional[str] = None, show: bool = False,
                **kwargs: Any) -> None:
    """Plot one marker per spike at (spike time, neuron index).

    The spikes come as a matrix with the times (``raster_plot(runner.mon.ts,
    runner.mon['E.spike'])``), or as the event record ``(indices, times)`` that an
    ``HDF5Monitor`` returns for a spike quantity (``raster_plot(mon.ts, mon['E.spike'])`` or
    ``raster_plot(mon['E.spike'])``), which holds its own times.  The times and the matrix are
    told apart by their shapes (the times are the 1-D one), so the order of
    ``brainpy.measure.raster_plot(sp_matrix, times)`` works too, and that function's result can
    be plotted as it is.

    Args:
      ts: the times, shape ``(num_time,)``; or an event record.
      sp_matrix: the spikes, shape ``(num_time, num_neuron)`` (nonzero means a spike; more
        dimensions are flattened per step), or an event record ``(indices, times)``.
      ax: the axes (default: the current axes).
      marker: the marker style.
      markersize: the marker size.
      color: the marker colour.
      xlabel: the x label.
      ylabel: the y label.
      xlim: ``(left, right)``.
      ylim: ``(bottom, top)``.
      title: the title.
      show: call ``plt.show()`` at the end.
      **kwargs: passed to ``ax.plot``.
    """
    from brainpy.measure import _spike_events

    index, times = _spike_events(ts, sp_matrix, "brainpy.visualize.raster_plot")
    ax = _plt().gca() if ax is None else ax
    ax.plot(times, index, linestyle="none", marker=marker, markersize=markersize, color=color, **kwargs)
    _decorate(ax, xlim, ylim, xlabel, ylabel, title, None, show)


def _finish_animation(anim, save_path, gif_dpi, video_fps, show):
    if save_path is not None:
        from matplotlib import animation

        if str(save_path).endswith(".gif"):
            anim.save(save_path, dpi=gif_dpi, writer=animation.PillowWriter(fps=video_fps or 10))
        elif str(save_path).endswith(".mp4"):
            anim.save(save_path, writer=animation.FFMpegWriter(fps=video_fps or 10, bitrate=3000))
        else:
            raise BrainPyValueError(f"animate: save_path must end with '.gif' or '.mp4', got {save_path!r}.")
    if show:
        _plt().show()
    return anim


def _series(entry, name, dynamic):
    if isinstance(entry, dict):
        if "ys" not in entry:
            raise BrainPyValueError(f"animate_1D: each {name} dict needs a 'ys' entry, got keys {sorted(entry)}.")
        ys = _np(entry["ys"])
        xs = entry.get("xs")
        legend = entry.get("legend")
    else:
        ys, xs, legend = _np(entry), None, None
    if ys.ndim != (2 if dynamic else 1):
        shape = "(num_step, num_x)" if dynamic else "(num_x,)"
        raise BrainPyValueError(f"animate_1D: {name} values must have shape {shape}, got {ys.shape}.")
    xs = np.arange(ys.shape[-1]) if xs is None else _np(xs)
    return xs, ys, legend


def _as_list(vars_, name, dynamic):
    if vars_ is None:
        return []
    if isinstance(vars_, dict) or hasattr(vars_, "shape"):
        vars_ = [vars_]
    return [_series(v, name, dynamic) for v in vars_]


def animate_1D(dynamical_vars: Union[Curve, Sequence[Curve]], static_vars: Union[Curve, Sequence[Curve], None] = (),
               dt: Optional[float] = None, xlim: Optional[Sequence[float]] = None,
               ylim: Optional[Sequence[float]] = None, xlabel: Optional[str] = None, ylabel: Optional[str] = None,
               frame_delay: float = 50.0, frame_step: int = 1, title_size: float = 10,
               figsize: Optional[Tuple[float, float]] = None, gif_dpi: Optional[float] = None,
               video_fps: Optional[int] = None, save_path: Union[str, os.PathLike, None] = None,
               show: bool = True) -> "FuncAnimation":
    """Animate 1-D profiles changing over time (e.g. the activity of a ring of neurons).

    Args:
      dynamical_vars: an array ``(num_step, num_x)``, a dict ``{'ys': array, 'xs': positions,
        'legend': label}``, or a list of these.
      static_vars: curves drawn in every frame: arrays ``(num_x,)`` or such dicts.
      dt: the time step between rows (default ``brainpy.math.get_dt()``), for the frame titles.
      xlim: ``(left, right)`` (default: the range of the positions).
      ylim: ``(bottom, top)`` (default: the range of all values, with a 10% margin).
      xlabel: the x label.
      ylabel: the y label.
      frame_delay: the delay between frames, in ms.
      frame_step: show every ``frame_step``-th row.
      title_size: the font size of the time title.
      figsize: the figure size.
      gif_dpi: the resolution when saving a GIF.
      video_fps: the frame rate when saving.
      save_path: a ``.gif`` or ``.mp4`` file to save to.
      show: call ``plt.show()``.

    Returns:
      The ``matplotlib.animation.FuncAnimation``.
    """
    from matplotlib import animation

    plt = _plt()
    dt = get_dt() if dt is None else dt
    dynamic = _as_list(dynamical_vars, "dynamical_vars", True)
    static = _as_list(static_vars, "static_vars", False)
    if not dynamic:
        raise BrainPyValueError("animate_1D: dynamical_vars must hold at least one variable.")
    num_step = dynamic[0][1].shape[0]
    if any(ys.shape[0] != num_step for _, ys, _ in dynamic):
        raise BrainPyValueError(f"animate_1D: every dynamical variable needs {num_step} steps.")
    fig, ax = plt.subplots(figsize=figsize)
    lines = [ax.plot(xs, ys[0], label=legend)[0] for xs, ys, legend in dynamic]
    for xs, ys, legend in static:
        ax.plot(xs, ys, label=legend)
    all_x = np.concatenate([xs for xs, _, _ in dynamic + static])
    all_y = np.concatenate([ys.ravel() for _, ys, _ in dynamic + static])
    if xlim is None:
        xlim = (all_x.min(), all_x.max()) if all_x.min() < all_x.max() else (all_x.min() - 1, all_x.max() + 1)
    if ylim is None:
        lo, hi = float(all_y.min()), float(all_y.max())
        margin = 0.1 * (hi - lo) if hi > lo else 1.0
        ylim = (lo - margin, hi + margin)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if any(legend for _, _, legend in dynamic + static):
        ax.legend()
    frames = list(range(0, num_step, int(frame_step)))

    def update(i):
        for line, (_, ys, _) in zip(lines, dynamic):
            line.set_ydata(ys[i])
        ax.set_title(f"Time: {i * dt:.2f} ms", fontsize=title_size)
        return lines

    anim = animation.FuncAnimation(fig, update, frames=frames, interval=frame_delay, blit=False)
    return _finish_animation(anim, save_path, gif_dpi, video_fps, show)


def animate_2D(values: ArrayLike, net_size: Sequence[int], dt: Optional[float] = None,
               val_min: Optional[float] = None, val_max: Optional[float] = None,
               cmap: Union[str, "Colormap", None] = None, frame_delay: float = 10, frame_step: int = 1,
               title_size: float = 10, figsize: Optional[Tuple[float, float]] = None, gif_dpi: Optional[float] = None,
               video_fps: Optional[int] = None, save_path: Union[str, os.PathLike, None] = None,
               show: bool = True) -> "FuncAnimation":
    """Animate a variable over a 2-D grid of neurons as an image per time step.

    Args:
      values: shape ``(num_step, height * width)`` or ``(num_step, height, width)``.
      net_size: ``(height, width)`` of the grid.
      dt: the time step between rows (default ``brainpy.math.get_dt()``).
      val_min: the lower end of the colour scale (default: the minimum value).
      val_max: the upper end of the colour scale (default: the maximum value).
      cmap: the colour map.
      frame_delay: the delay between frames, in ms.
      frame_step: show every ``frame_step``-th row.
      title_size: the font size of the time title.
      figsize: the figure size.
      gif_dpi: the resolution when saving a GIF.
      video_fps: the frame rate when saving.
      save_path: a ``.gif`` or ``.mp4`` file to save to.
      show: call ``plt.show()``.

    Returns:
      The ``matplotlib.animation.FuncAnimation``.
    """
    from matplotlib import animation

    plt = _plt()
    dt = get_dt() if dt is None else dt
    values = _np(values)
    net_size = tuple(int(s) for s in net_size)
    if len(net_size) != 2 or values.ndim < 2 or int(np.prod(values.shape[1:])) != net_size[0] * net_size[1]:
        raise BrainPyValueError(
            f"animate_2D: values of shape {values.shape} do not fit a (num_step, {net_size}) grid."
        )
    values = values.reshape((values.shape[0],) + net_size)
    val_min = values.min() if val_min is None else val_min
    val_max = values.max() if val_max is None else val_max
    fig, ax = plt.subplots(figsize=figsize)
    image = ax.imshow(values[0], cmap=cmap, vmin=val_min, vmax=val_max, interpolation="nearest")
    fig.colorbar(image, ax=ax)
    ax.set_axis_off()
    frames = list(range(0, values.shape[0], int(frame_step)))

    def update(i):
        image.set_data(values[i])
        ax.set_title(f"Time: {i * dt:.2f} ms", fontsize=title_size)
        return (image,)

    anim = animation.FuncAnimation(fig, update, frames=frames, interval=frame_delay, blit=False)
    return _finish_animation(anim, save_path, gif_dpi, video_fps, show)


def __dir__():
    # the public functions only: not the imported modules and helpers (np, numbers, get_dt, ...)
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")})
