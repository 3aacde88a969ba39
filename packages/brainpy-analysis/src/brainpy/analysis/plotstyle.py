"""Marker styles of the fixed-point stability types in the analyzers' figures."""

from typing import Any

from brainpy.analysis import stability as S
from brainpy.errors import BrainPyTypeError

__all__ = ["plot_schema", "set_plot_schema"]


plot_schema = {
    S.STABLE_POINT_1D: dict(color="tab:red", marker="o", fillstyle="full"),
    S.UNSTABLE_POINT_1D: dict(color="tab:olive", marker="o", fillstyle="none"),
    S.SADDLE_NODE: dict(color="tab:blue", marker="X", fillstyle="full"),
    S.CENTER_2D: dict(color="lime", marker="o", fillstyle="none"),
    S.STABLE_NODE_2D: dict(color="tab:red", marker="o", fillstyle="full"),
    S.STABLE_FOCUS_2D: dict(color="tab:purple", marker="o", fillstyle="full"),
    S.STABLE_STAR_2D: dict(color="tab:olive", marker="*", fillstyle="full"),
    S.STABLE_DEGENERATE_2D: dict(color="blueviolet", marker="o", fillstyle="full"),
    S.UNSTABLE_NODE_2D: dict(color="tab:orange", marker="o", fillstyle="none"),
    S.UNSTABLE_FOCUS_2D: dict(color="tab:cyan", marker="o", fillstyle="none"),
    S.UNSTABLE_STAR_2D: dict(color="green", marker="*", fillstyle="none"),
    S.UNSTABLE_DEGENERATE_2D: dict(color="springgreen", marker="o", fillstyle="none"),
    S.UNSTABLE_LINE_2D: dict(color="dodgerblue", marker="o", fillstyle="none"),
    S.CENTER_MANIFOLD: dict(color="orangered", marker="o", fillstyle="none"),
    S.STABLE_POINT_3D: dict(color="tab:gray", marker="o", fillstyle="full"),
    S.UNSTABLE_POINT_3D: dict(color="tab:purple", marker="o", fillstyle="none"),
    S.UNSTABLE_SADDLE_3D: dict(color="tab:blue", marker="X", fillstyle="none"),
    S.UNSTABLE_CENTER_3D: dict(color="tab:green", marker="o", fillstyle="none"),
    S.UNKNOWN_3D: dict(color="black", marker="o", fillstyle="none"),
}


def set_plot_schema(fixed_point: str, **schema: Any) -> None:
    """Change the matplotlib style (``color``, ``marker``, ``fillstyle``...) of a stability type."""
    if not isinstance(fixed_point, str):
        raise BrainPyTypeError(f"set_plot_schema: the stability type must be a str, got {fixed_point!r}.")
    plot_schema.setdefault(fixed_point, {}).update(schema)


def style_of(stability_type: str) -> dict:
    return dict(plot_schema.get(stability_type, dict(color="black", marker="o", fillstyle="none")))
