"""The hooks of the example plugin: each returns records naming lazily imported factories."""

from brainpy.math.plugins import IntegratorSpec, hookimpl


@hookimpl
def brainpy_integrators():
    return [
        IntegratorSpec(
            name="wray3",
            kind="ode",
            factory="brainpy_example_plugin.solvers:Wray3",
            aliases=("example_rk3",),
            description="Wray's third-order Runge-Kutta method (example plugin)",
        )
    ]
