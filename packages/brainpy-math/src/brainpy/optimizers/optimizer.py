"""Gradient-descent optimizers updating registered Variables in place.

An optimizer holds the trainable Variables it updates (not collected by its ``vars()``) and
its own state Variables (momentum buffers, moment estimates...) registered as implicit
variables named ``<train var key>_<suffix>``, so ``optimizer.vars()`` returns exactly what a
compiled training step must carry besides the model's Variables.  Every update is written with
JAX operations only, so it can run inside ``jit`` and ``grad`` transformations.
"""

from numbers import Real
from typing import Any, Dict, Optional, Sequence, Union

import jax.numpy as jnp

from brainpy.errors import MathError, NoImplementationError
from brainpy.math.ndarray import ArrayLike, Variable, _unwrap
from brainpy.math.object_base import BrainPyObject
from brainpy.optimizers.scheduler import Scheduler, make_schedule

__all__ = [
    "Optimizer",
    "CommonOpt",
    "SGD",
    "Momentum",
    "MomentumNesterov",
    "Adagrad",
    "Adadelta",
    "RMSProp",
    "Adam",
    "AdamW",
    "LARS",
]

# the Variables to train: a dict (or `Collector`) of Variables, or a sequence of Variables
_TrainVars = Union[Dict[str, Variable], Sequence[Variable]]


def _check_hyper(owner: str, name: str, value, low: float = 0.0, high: Optional[float] = None,
                 include_high: bool = True):
    """Check a hyperparameter lies in ``[low, high]`` (or ``[low, high)``); return it as a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise MathError(f"{owner}: {name} must be a real number, got {value!r}.")
    value = float(value)
    too_high = high is not None and (value > high if include_high else value >= high)
    if value < low or too_high:
        bracket = "]" if include_high else ")"
        raise MathError(f"{owner}: {name} must lie in [{low}, {high}{bracket}, got {value!r}.")
    return value


def _assign(var: Variable, value):
    """Write ``value`` into ``var`` keeping the variable's dtype (the learning rate may be wider)."""
    var.value = jnp.asarray(value).astype(var.dtype)


class Optimizer(BrainPyObject):
    """Base class of optimizers.

    Subclasses create their state Variables in `register_vars` (calling the base method first)
    and implement `update`, which must call ``self.lr.step_call()`` once at its end.

    Args:
      lr: the learning rate, a number or a `Scheduler`; a number becomes a `Constant` scheduler.
      train_vars: the Variables to train: a dict (or `Collector`) of Variables, or a sequence
        of Variables (then keyed ``'0'``, ``'1'``, ...).
      name: the object name.

    Attributes:
      lr: the `Scheduler` giving the learning rate.
      vars_to_train: the registered Variables, by key (a plain dict, so that ``vars()`` of the
        optimizer holds only the optimizer's own state).
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None,
                 name: Optional[str] = None):
        super().__init__(name=name)
        self.lr = make_schedule(lr)
        self.vars_to_train: Dict[str, Variable] = {}
        if train_vars is not None:
            self.register_vars(train_vars)

    # ----- registration -----
    def register_vars(self, train_vars: _TrainVars) -> None:
        """Register more Variables to train, creating the optimizer state of each.

        Args:
          train_vars: a dict of Variables or a sequence of Variables.

        Raises:
          MathError: for a value that is not a `Variable`, for a key already registered with a
            different Variable, or for a Variable already registered under another key.
        """
        new = self._normalize(train_vars)
        for key, var in new.items():
            self._init_state(key, var)

    def register_train_vars(self, train_vars: _TrainVars) -> None:
        """Same as `register_vars`."""
        self.register_vars(train_vars)

    def _normalize(self, train_vars) -> Dict[str, Variable]:
        """Check ``train_vars`` and add them to ``vars_to_train``; return those that are new."""
        owner = self.name
        if isinstance(train_vars, dict):
            items = list(train_vars.items())
        elif isinstance(train_vars, (list, tuple)):
            start = len(self.vars_to_train)
            items = [(str(start + i), v) for i, v in enumerate(train_vars)]
        else:
            raise MathError(
                f"{owner}: train_vars must be a dict of Variables or a sequence of Variables, "
                f"got {type(train_vars).__name__}."
            )
        by_id = {id(v): k for k, v in self.vars_to_train.items()}
        new = {}
        for key, var in items:
            if not isinstance(key, str):
                raise MathError(f"{owner}: train_vars keys must be strings, got {key!r}.")
            if not isinstance(var, Variable):
                raise MathError(
                    f"{owner}: train_vars[{key!r}] must be a brainpy.math.Variable, got {type(var).__name__}."
                )
            if key in self.vars_to_train:
                if self.vars_to_train[key] is not var:
                    raise MathError(f"{owner}: the key {key!r} is already registered with another Variable.")
                continue
            if id(var) in by_id:
                raise MathError(
                    f"{owner}: train_vars[{key!r}] is the Variable already registered as {by_id[id(var)]!r}; "
                    f"a Variable can be trained under one key only."
                )
            by_id[id(var)] = key
            self.vars_to_train[key] = var
            new[key] = var
        return new

    def _init_state(self, key: str, var: Variable):
        """Create the state Variables of one train variable (none by default)."""

    def _state(self, key: str, suffix: str, var: Variable, fill: float = 0.0) -> Variable:
        """Create and register the state Variable ``<key>_<suffix>`` shaped like ``var``."""
        state = Variable(jnp.full(var.shape, fill, dtype=var.dtype))
        self.register_implicit_vars({f"{key}_{suffix}": state})
        return state

    # ----- gradients -----
    def check_grads(self, grads: Union[Dict[str, ArrayLike], Sequence[ArrayLike]]) -> Dict[str, Any]:
        """Check that ``grads`` has one gradient per registered Variable, of the same shape.

        Args:
          grads: a dict keyed like the registered Variables, or a sequence in registration order.

        Returns:
          The gradients as a dict of JAX arrays keyed like ``vars_to_train``.
        """
        owner = self.name
        keys = list(self.vars_to_train)
        if isinstance(grads, dict):
            unknown = [k for k in grads if k not in self.vars_to_train]
            missing = [k for k in keys if k not in grads]
            if unknown or missing:
                raise MathError(
                    f"{owner}.update: the gradients do not match the trained Variables; "
                    f"unknown keys {unknown}, missing keys {missing}. Expected keys {keys}."
                )
            grads = {k: grads[k] for k in keys}
        elif isinstance(grads, (list, tuple)):
            if len(grads) != len(keys):
                raise MathError(
                    f"{owner}.update: expected {len(keys)} gradients (one per trained Variable), got {len(grads)}."
                )
            grads = dict(zip(keys, grads))
        else:
            raise MathError(
                f"{owner}.update: grads must be a dict keyed like the trained Variables, "
                f"got {type(grads).__name__}."
            )
        out = {}
        for key, g in grads.items():
            g = _unwrap(g)
            shape = tuple(jnp.shape(g))
            expected = self.vars_to_train[key].shape
            if shape != expected:
                raise MathError(f"{owner}.update: the gradient of {key!r} has shape {shape}, expected {expected}.")
            out[key] = g
        return out

    def update(self, grads: dict) -> None:
        """Apply one optimization step given the gradients of the trained Variables."""
        raise NoImplementationError(f"{type(self).__name__} must implement update(grads).")

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, lr={self.lr!r}, num_vars={len(self.vars_to_train)})"


class CommonOpt(Optimizer):
    """An optimizer with optional coupled weight decay :math:`p \\leftarrow (1 - \\lambda) p - \\Delta`.

    Args:
      lr: see `Optimizer`.
      train_vars: see `Optimizer`.
      weight_decay: :math:`\\lambda` in ``[0, 1)``, or None for no decay.
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None,
                 weight_decay: Optional[float] = None, name: Optional[str] = None):
        if weight_decay is not None:
            weight_decay = _check_hyper(type(self).__name__, "weight_decay", weight_decay, 0.0, 1.0, False)
        self.weight_decay = weight_decay
        super().__init__(lr, train_vars=train_vars, name=name)

    def _apply(self, var: Variable, delta):
        """``var <- var + delta``, with the weight decay applied to the old value."""
        p = var.value
        if self.weight_decay is not None:
            p = (1 - self.weight_decay) * p
        _assign(var, p + delta)


class SGD(CommonOpt):
    """Stochastic gradient descent: :math:`p \\leftarrow p - \\eta g`.

    Args:
      lr: the learning rate :math:`\\eta` (a number or a `Scheduler`).
      train_vars: the Variables to train.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.

    Examples:
      >>> import brainpy as bp, brainpy.math as bm
      >>> a = bm.TrainVar(bm.ones(3))
      >>> opt = bp.optim.SGD(lr=0.1, train_vars={'a': a})
      >>> opt.update({'a': bm.ones(3)})
      >>> a
      TrainVar(value=[0.9, 0.9, 0.9], dtype=float32)
    """

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            self._apply(var, -lr * grads[key])
        self.lr.step_call()


class Momentum(CommonOpt):
    """Gradient descent with momentum.

    .. math::
       v \\leftarrow \\mu v - \\eta g, \\qquad p \\leftarrow p + v

    The velocity of the train variable ``k`` is the Variable ``k_v``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      momentum: :math:`\\mu` in ``[0, 1]``.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, momentum: float = 0.9,
                 weight_decay: Optional[float] = None, name: Optional[str] = None):
        self.momentum = _check_hyper(type(self).__name__, "momentum", momentum, 0.0, 1.0)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "v", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            v = self.implicit_vars[f"{key}_v"]
            _assign(v, self.momentum * v.value - lr * grads[key])
            self._apply(var, v.value)
        self.lr.step_call()


class MomentumNesterov(CommonOpt):
    """Nesterov accelerated gradient.

    .. math::
       v \\leftarrow \\mu v - \\eta g, \\qquad p \\leftarrow p + \\mu v - \\eta g

    The velocity of the train variable ``k`` is the Variable ``k_v``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      momentum: :math:`\\mu` in ``[0, 1]``.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, momentum: float = 0.9,
                 weight_decay: Optional[float] = None, name: Optional[str] = None):
        self.momentum = _check_hyper(type(self).__name__, "momentum", momentum, 0.0, 1.0)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "v", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            v = self.implicit_vars[f"{key}_v"]
            _assign(v, self.momentum * v.value - lr * grads[key])
            self._apply(var, self.momentum * v.value - lr * grads[key])
        self.lr.step_call()


class Adagrad(CommonOpt):
    """Adagrad: per-coordinate rates scaled by the accumulated squared gradients.

    .. math::
       c \\leftarrow c + g^2, \\qquad p \\leftarrow p - \\frac{\\eta g}{\\sqrt{c + \\epsilon}}

    The accumulator of the train variable ``k`` is the Variable ``k_cache``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      epsilon: :math:`\\epsilon`, keeping the denominator positive.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, epsilon: float = 1e-6,
                 weight_decay: Optional[float] = None, name: Optional[str] = None):
        self.epsilon = _check_hyper(type(self).__name__, "epsilon", epsilon)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "cache", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            g = grads[key]
            c = self.implicit_vars[f"{key}_cache"]
            _assign(c, c.value + g**2)
            self._apply(var, -lr * g / jnp.sqrt(c.value + self.epsilon))
        self.lr.step_call()


class Adadelta(CommonOpt):
    """Adadelta (Zeiler, 2012), with the step scaled by the learning rate.

    .. math::
       c &\\leftarrow \\rho c + (1 - \\rho) g^2 \\\\
       \\Delta &= g \\frac{\\sqrt{d + \\epsilon}}{\\sqrt{c + \\epsilon}} \\\\
       p &\\leftarrow p - \\eta \\Delta \\\\
       d &\\leftarrow \\rho d + (1 - \\rho) \\Delta^2

    ``lr=1`` gives Zeiler's original rule.  The accumulators of the train variable ``k`` are
    the Variables ``k_cache`` (:math:`c`) and ``k_delta`` (:math:`d`).

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      epsilon: :math:`\\epsilon`.
      rho: the decay :math:`\\rho` in ``[0, 1)``.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler] = 1.0, train_vars: Optional[_TrainVars] = None,
                 epsilon: float = 1e-6, rho: float = 0.95, weight_decay: Optional[float] = None,
                 name: Optional[str] = None):
        owner = type(self).__name__
        self.epsilon = _check_hyper(owner, "epsilon", epsilon)
        self.rho = _check_hyper(owner, "rho", rho, 0.0, 1.0, False)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "cache", var)
        self._state(key, "delta", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            g = grads[key]
            c = self.implicit_vars[f"{key}_cache"]
            d = self.implicit_vars[f"{key}_delta"]
            _assign(c, self.rho * c.value + (1 - self.rho) * g**2)
            delta = g * jnp.sqrt(d.value + self.epsilon) / jnp.sqrt(c.value + self.epsilon)
            self._apply(var, -lr * delta)
            _assign(d, self.rho * d.value + (1 - self.rho) * delta**2)
        self.lr.step_call()


class RMSProp(CommonOpt):
    """RMSProp: rates scaled by a running mean of squared gradients.

    .. math::
       c \\leftarrow \\rho c + (1 - \\rho) g^2, \\qquad
       p \\leftarrow p - \\frac{\\eta g}{\\sqrt{c + \\epsilon}}

    The running mean of the train variable ``k`` is the Variable ``k_cache``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      epsilon: :math:`\\epsilon`.
      rho: the decay :math:`\\rho` in ``[0, 1)``.
      weight_decay: optional coupled weight decay (see `CommonOpt`).
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, epsilon: float = 1e-6,
                 rho: float = 0.9, weight_decay: Optional[float] = None,
                 name: Optional[str] = None):
        owner = type(self).__name__
        self.epsilon = _check_hyper(owner, "epsilon", epsilon)
        self.rho = _check_hyper(owner, "rho", rho, 0.0, 1.0, False)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "cache", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            g = grads[key]
            c = self.implicit_vars[f"{key}_cache"]
            _assign(c, self.rho * c.value + (1 - self.rho) * g**2)
            self._apply(var, -lr * g / jnp.sqrt(c.value + self.epsilon))
        self.lr.step_call()


def _bias_corrected_lr(lr, t, beta1, beta2):
    """Adam's step size at (1-based) step ``t``: ``lr * sqrt(1 - beta2**t) / (1 - beta1**t)``."""
    t = jnp.asarray(t, dtype=jnp.result_type(float))
    return lr * jnp.sqrt(1 - beta2**t) / (1 - beta1**t)


class Adam(CommonOpt):
    """Adam (Kingma and Ba, 2014).

    .. math::
       m &\\leftarrow \\beta_1 m + (1 - \\beta_1) g \\\\
       v &\\leftarrow \\beta_2 v + (1 - \\beta_2) g^2 \\\\
       p &\\leftarrow p - \\eta_t \\frac{m}{\\sqrt{v} + \\epsilon}, \\qquad
       \\eta_t = \\eta \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}

    where :math:`t` is the 1-based update count (read from the scheduler's ``step``).  The
    moments of the train variable ``k`` are the Variables ``k_m`` and ``k_v``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      beta1: :math:`\\beta_1` in ``[0, 1)``.
      beta2: :math:`\\beta_2` in ``[0, 1)``.
      eps: :math:`\\epsilon`.
      weight_decay: optional coupled weight decay (see `CommonOpt`); for decoupled decay use `AdamW`.
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: Optional[float] = None, name: Optional[str] = None):
        owner = type(self).__name__
        self.beta1 = _check_hyper(owner, "beta1", beta1, 0.0, 1.0, False)
        self.beta2 = _check_hyper(owner, "beta2", beta2, 0.0, 1.0, False)
        self.eps = _check_hyper(owner, "eps", eps)
        super().__init__(lr, train_vars=train_vars, weight_decay=weight_decay, name=name)

    def _init_state(self, key, var):
        self._state(key, "m", var)
        self._state(key, "v", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = _bias_corrected_lr(self.lr(), self.lr.step.value[0] + 1, self.beta1, self.beta2)
        for key, var in self.vars_to_train.items():
            g = grads[key]
            m = self.implicit_vars[f"{key}_m"]
            v = self.implicit_vars[f"{key}_v"]
            _assign(m, self.beta1 * m.value + (1 - self.beta1) * g)
            _assign(v, self.beta2 * v.value + (1 - self.beta2) * g**2)
            self._apply(var, -lr * m.value / (jnp.sqrt(v.value) + self.eps))
        self.lr.step_call()


class AdamW(Optimizer):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    .. math::
       p \\leftarrow p (1 - \\eta \\lambda) - \\eta_t \\frac{m}{\\sqrt{\\hat v} + \\epsilon}

    with :math:`m, v, \\eta_t` as in `Adam`, and :math:`\\hat v = v` or, with ``amsgrad=True``,
    the running maximum of :math:`v` (Variable ``k_vmax``).

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      beta1: :math:`\\beta_1` in ``[0, 1)``.
      beta2: :math:`\\beta_2` in ``[0, 1)``.
      eps: :math:`\\epsilon`.
      weight_decay: :math:`\\lambda >= 0`.
      amsgrad: use the running maximum of the second moment.
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, name: Optional[str] = None):
        owner = type(self).__name__
        self.beta1 = _check_hyper(owner, "beta1", beta1, 0.0, 1.0, False)
        self.beta2 = _check_hyper(owner, "beta2", beta2, 0.0, 1.0, False)
        self.eps = _check_hyper(owner, "eps", eps)
        self.weight_decay = _check_hyper(owner, "weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)
        super().__init__(lr, train_vars=train_vars, name=name)

    def _init_state(self, key, var):
        self._state(key, "m", var)
        self._state(key, "v", var)
        if self.amsgrad:
            self._state(key, "vmax", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        base_lr = self.lr()
        lr = _bias_corrected_lr(base_lr, self.lr.step.value[0] + 1, self.beta1, self.beta2)
        for key, var in self.vars_to_train.items():
            g = grads[key]
            m = self.implicit_vars[f"{key}_m"]
            v = self.implicit_vars[f"{key}_v"]
            _assign(m, self.beta1 * m.value + (1 - self.beta1) * g)
            _assign(v, self.beta2 * v.value + (1 - self.beta2) * g**2)
            v_hat = v.value
            if self.amsgrad:
                vmax = self.implicit_vars[f"{key}_vmax"]
                _assign(vmax, jnp.maximum(vmax.value, v.value))
                v_hat = vmax.value
            p = var.value * (1 - base_lr * self.weight_decay)
            _assign(var, p - lr * m.value / (jnp.sqrt(v_hat) + self.eps))
        self.lr.step_call()


class LARS(Optimizer):
    """Layer-wise adaptive rate scaling (You, Gitman and Ginsburg, 2017) with momentum.

    For each train variable :math:`p` with gradient :math:`g`:

    .. math::
       r &= \\frac{c \\, \\|p\\|}{\\|g\\| + \\lambda \\|p\\| + \\epsilon}
            \\quad (r = 1 \\text{ when } \\|p\\| = 0 \\text{ or } \\|g\\| = 0) \\\\
       m &\\leftarrow \\mu m + \\eta \\, r \\, (g + \\lambda p) \\\\
       p &\\leftarrow p - m

    The momentum of the train variable ``k`` is the Variable ``k_m``.

    Args:
      lr: the learning rate :math:`\\eta`.
      train_vars: the Variables to train.
      momentum: :math:`\\mu` in ``[0, 1]``.
      weight_decay: :math:`\\lambda >= 0`.
      tc: the trust coefficient :math:`c`.
      eps: :math:`\\epsilon`.
      name: the object name.
    """

    def __init__(self, lr: Union[float, Scheduler], train_vars: Optional[_TrainVars] = None, momentum: float = 0.9,
                 weight_decay: float = 1e-4, tc: float = 1e-3,
                 eps: float = 1e-5, name: Optional[str] = None):
        owner = type(self).__name__
        self.momentum = _check_hyper(owner, "momentum", momentum, 0.0, 1.0)
        self.weight_decay = _check_hyper(owner, "weight_decay", weight_decay)
        self.tc = _check_hyper(owner, "tc", tc)
        self.eps = _check_hyper(owner, "eps", eps)
        super().__init__(lr, train_vars=train_vars, name=name)

    def _init_state(self, key, var):
        self._state(key, "m", var)

    def update(self, grads: dict) -> None:
        grads = self.check_grads(grads)
        lr = self.lr()
        for key, var in self.vars_to_train.items():
            g = grads[key]
            p = var.value
            p_norm = jnp.linalg.norm(jnp.ravel(p))
            g_norm = jnp.linalg.norm(jnp.ravel(g))
            trust = self.tc * p_norm / (g_norm + self.weight_decay * p_norm + self.eps)
            trust = jnp.where((p_norm == 0) | (g_norm == 0), 1.0, trust)
            m = self.implicit_vars[f"{key}_m"]
            _assign(m, self.momentum * m.value + lr * trust * (g + self.weight_decay * p))
            _assign(var, p - m.value)
        self.lr.step_call()
