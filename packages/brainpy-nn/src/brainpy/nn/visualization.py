"""Plotting node graphs with networkx and matplotlib."""

from typing import TYPE_CHECKING, Tuple
from brainpy.errors import ModelBuildError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    import brainpy.nn  # the package, not brainpy.nn.base: that module imports this one

__all__ = ["plot_node_graph"]

_LAYOUTS = ("shell_layout", "circular_layout", "spring_layout", "spiral_layout", "spectral_layout",
            "random_layout", "kamada_kawai_layout", "planar_layout")


def plot_node_graph(node: "brainpy.nn.Node", fig_size: Tuple[float, float] = (10, 10), node_size: int = 1000,
                    arrow_size: int = 20, layout: str = "shell_layout", show: bool = True) -> "Figure":
    """Draw the graph of a node or network: feedforward edges solid, feedback edges dashed.

    Entry nodes are drawn in blue, exit nodes in orange, the others in green.

    Args:
      node: a `brainpy.nn.Node` or `Network`.
      fig_size: the figure size in inches.
      node_size: the size of the node markers.
      arrow_size: the size of the arrow heads.
      layout: the name of a networkx layout function (e.g. ``'shell_layout'``).
      show: whether ``matplotlib.pyplot.show()`` is called.

    Returns:
      The matplotlib figure.
    """
    import matplotlib.pyplot as plt
    import networkx as nx

    if layout not in _LAYOUTS:
        raise ModelBuildError(f"plot_node_graph: layout must be one of {_LAYOUTS}, got {layout!r}.")
    graph = node._graph()
    g = nx.DiGraph()
    g.add_nodes_from(n.name for n in graph.nodes)
    ff = [(s.name, r.name) for s, r in graph.ff_edges]
    fb = [(s.name, r.name) for s, r in graph.fb_edges]
    g.add_edges_from(ff + fb)
    pos = getattr(nx, layout)(g)
    entries = {n.name for n in graph.entries}
    exits = {n.name for n in graph.exits}
    colors = ["tab:blue" if n in entries else "tab:orange" if n in exits else "tab:green" for n in g.nodes]
    fig = plt.figure(figsize=fig_size)
    ax = fig.gca()
    nx.draw_networkx_nodes(g, pos, node_color=colors, node_size=node_size, ax=ax)
    nx.draw_networkx_labels(g, pos, ax=ax)
    nx.draw_networkx_edges(g, pos, edgelist=ff, arrowsize=arrow_size, node_size=node_size, ax=ax,
                           connectionstyle="arc3,rad=0.05", arrows=True)
    nx.draw_networkx_edges(g, pos, edgelist=fb, arrowsize=arrow_size, node_size=node_size, ax=ax, style="dashed",
                           edge_color="tab:red", connectionstyle="arc3,rad=0.3", arrows=True)
    ax.axis("off")
    if show:
        plt.show()
    return fig
