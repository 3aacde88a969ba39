"""The hooks of the example plugin: each returns records naming lazily imported factories."""

from brainpy.math.plugins import (
    ConnectorSpec,
    IntegratorSpec,
    ModelSpec,
    TrainingAlgorithmSpec,
    hookimpl,
)


@hookimpl
def brainpy_integrators():
    return [
        IntegratorSpec(
            name="wray3",
            kind="ode",
            factory="brainpy_example_plugin.solvers:Wray3",
            aliases=("example_rk3",),
            order=3,
            description="Wray's third-order Runge-Kutta method (example plugin)",
        ),
        IntegratorSpec(
            name="heun_pc",
            kind="ode",
            factory="brainpy_example_plugin.solvers:HeunPC",
            order=2,
            description="Heun's predictor-corrector method, written as a step (example plugin)",
        ),
    ]


@hookimpl
def brainpy_models():
    return [
        ModelSpec(
            name="ThetaNeuron",
            category="neuron",
            factory="brainpy_example_plugin.models:ThetaNeuron",
            description="Ermentrout-Kopell theta neuron (example plugin)",
        )
    ]


@hookimpl
def brainpy_connectors():
    return [
        ConnectorSpec(
            name="ExampleRing",
            factory="brainpy_example_plugin.connectors:ExampleRing",
            description="ring lattice with k neighbours per side (example plugin)",
        )
    ]


@hookimpl
def brainpy_training_algorithms():
    return [
        TrainingAlgorithmSpec(
            name="nlms",
            mode="online",
            factory="brainpy_example_plugin.algorithms:NormalizedLMS",
            aliases=("normalized_lms",),
            description="normalized least mean squares (example plugin)",
        )
    ]
