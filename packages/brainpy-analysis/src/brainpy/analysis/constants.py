"""Option keys of the low-dimensional analyzers and names of fixed-point selection methods.

``brainpy.analysis.C`` is this module: ``options={C.y_by_x_in_fy: lambda V, a, b: (V + a) / b}``
tells a 2D analyzer that the ``fy`` nullcline can be solved for ``y`` as a function of ``x``.
"""

__all__ = [
    "x_by_y_in_fx",
    "y_by_x_in_fx",
    "x_by_y_in_fy",
    "y_by_x_in_fy",
    "sympy_solver_timeout",
    "escape_sympy_solver",
    "lim_scale",
    "fx_nullcline_points",
    "fy_nullcline_points",
    "nullcline_points",
    "aux_rank",
    "SELECT_CANDIDATES",
]

# closed forms of one variable in terms of the other along a nullcline: x = F(y) or y = F(x)
x_by_y_in_fx = "x_by_y_in_fx"
y_by_x_in_fx = "y_by_x_in_fx"
x_by_y_in_fy = "x_by_y_in_fy"
y_by_x_in_fy = "y_by_x_in_fy"

# accepted for compatibility with the symbolic analyzers of BrainPy 1.x; they change nothing
sympy_solver_timeout = "sympy_solver_timeout"
escape_sympy_solver = "escape_sympy_solver"

# the plotted axes extend beyond the variable range by this factor
lim_scale = "lim_scale"

# how the initial points of the fixed-point optimization are chosen
fx_nullcline_points = "fx-nullcline"
fy_nullcline_points = "fy-nullcline"
nullcline_points = "nullclines"
aux_rank = "aux_rank"
SELECT_CANDIDATES = (fx_nullcline_points, fy_nullcline_points, nullcline_points, aux_rank)
