"""The hook specifications of the BrainPy plugin system (hook namespace ``"brainpy"``).

A plugin is a module that implements any of these hooks with ``@hookimpl`` and is named by an
entry point in the ``brainpy.plugins`` group.  Every hook takes no arguments and returns an
iterable of records (see `brainpy.math.plugins.records`).
"""

from typing import Iterable

import pluggy

from brainpy.math.plugins.records import (
    ConnectorSpec,
    InitializerSpec,
    IntegratorSpec,
    ModelSpec,
    TrainerSpec,
    TrainingAlgorithmSpec,
)

PROJECT_NAME = "brainpy"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def brainpy_integrators() -> Iterable[IntegratorSpec]:
    """Provide numerical integration methods for ``bp.odeint``, ``bp.sdeint`` and ``bp.fdeint``.

    Example::

        from brainpy.math.plugins import IntegratorSpec, hookimpl

        @hookimpl
        def brainpy_integrators():
            yield IntegratorSpec(
                name="my_rk",
                kind="ode",
                factory="my_package.solvers:MyRungeKutta",  # imported on first use
                aliases=("myrk",),
                description="my third-order Runge-Kutta method",
                order=3,  # measured by BrainPy's order tests
            )

    After installation, ``bp.odeint(f, method="my_rk")`` builds ``MyRungeKutta(f, ...)`` and
    ``bp.ode.get_supported_methods()`` lists ``"my_rk"``.
    """
    return ()


@hookspec
def brainpy_models() -> Iterable[ModelSpec]:
    """Provide neuron, synapse, channel, rate, coupling, noise or input model classes.

    Example::

        from brainpy.math.plugins import ModelSpec, hookimpl

        @hookimpl
        def brainpy_models():
            yield ModelSpec(name="MyNeuron", category="neuron",
                            factory="my_package.models:MyNeuron")

    After installation, ``bp.dyn.MyNeuron(100)`` creates the model.
    """
    return ()


@hookspec
def brainpy_connectors() -> Iterable[ConnectorSpec]:
    """Provide connector classes.

    Example::

        from brainpy.math.plugins import ConnectorSpec, hookimpl

        @hookimpl
        def brainpy_connectors():
            yield ConnectorSpec(name="Ring", factory="my_package.conn:Ring")

    After installation, ``bp.conn.Ring(k=2)`` is a connector like the built-in ones.
    """
    return ()


@hookspec
def brainpy_initializers() -> Iterable[InitializerSpec]:
    """Provide weight initializer classes.

    Example::

        from brainpy.math.plugins import InitializerSpec, hookimpl

        @hookimpl
        def brainpy_initializers():
            yield InitializerSpec(name="SparseNormal", factory="my_package.init:SparseNormal")

    After installation, ``bp.init.SparseNormal(...)`` creates the initializer.
    """
    return ()


@hookspec
def brainpy_training_algorithms() -> Iterable[TrainingAlgorithmSpec]:
    """Provide online or offline training algorithms for the trainers of ``brainpy.nn``.

    Example::

        from brainpy.math.plugins import TrainingAlgorithmSpec, hookimpl

        @hookimpl
        def brainpy_training_algorithms():
            yield TrainingAlgorithmSpec(name="my_lms", mode="online",
                                        factory="my_package.algos:MyLMS")

    After installation, ``bp.nn.OnlineTrainer(model, fit_method="my_lms")`` (or
    ``fit_method=dict(name="my_lms", alpha=0.1)``) uses it.
    """
    return ()


@hookspec
def brainpy_trainers() -> Iterable[TrainerSpec]:
    """Provide trainer classes.

    Example::

        from brainpy.math.plugins import TrainerSpec, hookimpl

        @hookimpl
        def brainpy_trainers():
            yield TrainerSpec(name="MyTrainer", factory="my_package.train:MyTrainer")

    After installation, ``bp.nn.MyTrainer(model, ...)`` is available.
    """
    return ()
