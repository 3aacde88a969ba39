"""Reservoir-computing nodes: `Reservoir`, `LinearReadout` and `NVAR`."""

import itertools
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import jax.numpy as jnp
import numpy as np

import brainpy.math as bm
from brainpy.initialize.base import Initializer
from brainpy.initialize.random_inits import Normal
from brainpy.initialize.regular_inits import ZeroInit
from brainpy.math.ndarray import Array, ArrayLike, unwrap
from brainpy.nn.base import RecurrentNode, _get_activation, init_param
from brainpy.nn.nodes.base import Dense, _concat_last, _num_features, _param
from brainpy.errors import ModelBuildError

__all__ = ["LinearReadout", "NVAR", "Reservoir"]


class LinearReadout(Dense):
    """A dense readout whose state is its last output, so that it can send feedback.

    Args:
      num_unit: the number of outputs.
      weight_initializer: the weights (default: normal with std 0.1).
      bias_initializer: the bias, or None.
      trainable: whether the weights are trained (by the ridge/online trainers or by gradients).
      **kwargs: see `Node`.
    """

    def __init__(self, num_unit: int, weight_initializer: Union[Initializer, Callable, ArrayLike] = Normal(scale=0.1),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(),
                 trainable: bool = True, **kwargs: Any):
        super().__init__(num_unit=num_unit, weight_initializer=weight_initializer,
                         bias_initializer=bias_initializer, trainable=trainable, **kwargs)

    def init_state(self, num_batch: int = 1) -> None:
        self.set_state(jnp.zeros((num_batch,) + tuple(self.output_shape[1:]), dtype=bm.float_))

    def forward(self, ff: Sequence[ArrayLike], **kwargs: Any) -> Array:
        out = super().forward(ff, **kwargs)
        if self.state is None:
            raise self._no_state()
        self.state.value = unwrap(out)
        return out


class Reservoir(RecurrentNode):
    """A pool of leaky-integrator units with fixed random recurrent weights (an echo-state network).

    With ``activation_type='internal'``::

        x' = (1 - a) x + a f(u @ Wff + x @ Wrec + fb @ Wfb + bias)

    and with ``'external'``::

        s' = (1 - a) s + a (u @ Wff + s @ Wrec + fb @ Wfb + bias),   x' = f(s')

    where ``a`` is ``leaky_rate``.  The output is ``x'``.

    Args:
      num_unit: the number of units.
      leaky_rate: the leak ``a`` in ``(0, 1]``.
      activation: the nonlinearity (a name or a callable).
      activation_type: ``'internal'`` or ``'external'``.
      ff_initializer, rec_initializer, fb_initializer, bias_initializer: the initializers of the
        input, recurrent and feedback weights and of the bias (None for no bias).
      ff_connectivity, rec_connectivity, fb_connectivity: the fraction of nonzero weights.
      conn_type: ``'dense'`` (dense matrices with zeros) or ``'sparse'`` (kept for compatibility;
        the matrices are stored densely too).
      spectral_radius: when given, ``Wrec`` is rescaled to this spectral radius.
      noise_ff, noise_rec, noise_fb: the scales of the noise added to each term.
      noise_type: ``'normal'`` or ``'uniform'``.
      seed: the seed of the random weights and noise.
      trainable: whether the weights are trainable (by gradients).
      **kwargs: see `RecurrentNode`.
    """

    def __init__(self, num_unit: int, leaky_rate: float = 0.3, activation: Union[str, Callable] = "tanh",
                 activation_type: str = "internal",
                 ff_initializer: Union[Initializer, Callable, ArrayLike] = Normal(scale=0.1),
                 rec_initializer: Union[Initializer, Callable, ArrayLike] = Normal(scale=0.1),
                 fb_initializer: Union[Initializer, Callable, ArrayLike] = Normal(scale=0.1),
                 bias_initializer: Union[Initializer, Callable, ArrayLike, None] = ZeroInit(),
                 ff_connectivity: float = 0.1, rec_connectivity: float = 0.1, fb_connectivity: float = 0.1,
                 conn_type: str = "dense", spectral_radius: Optional[float] = None, noise_ff: float = 0.,
                 noise_rec: float = 0., noise_fb: float = 0., noise_type: str = "normal", seed: Optional[int] = None,
                 trainable: bool = False, **kwargs: Any):
        super().__init__(trainable=trainable, **kwargs)
        if isinstance(num_unit, bool) or not isinstance(num_unit, (int, np.integer)) or num_unit < 1:
            raise ModelBuildError(f"{self._owner}: num_unit must be a positive int, got {num_unit!r}.")
        if not 0. < leaky_rate <= 1.:
            raise ModelBuildError(f"{self._owner}: leaky_rate must be in (0, 1], got {leaky_rate!r}.")
        if activation_type not in ("internal", "external"):
            raise ModelBuildError(f"{self._owner}: activation_type must be 'internal' or 'external', got {activation_type!r}.")
        for name, value in (("ff_connectivity", ff_connectivity), ("rec_connectivity", rec_connectivity),
                            ("fb_connectivity", fb_connectivity)):
            if not 0. < value <= 1.:
                raise ModelBuildError(f"{self._owner}: {name} must be in (0, 1], got {value!r}.")
        if conn_type not in ("dense", "sparse"):
            raise ModelBuildError(f"{self._owner}: conn_type must be 'dense' or 'sparse', got {conn_type!r}.")
        if noise_type not in ("normal", "uniform"):
            raise ModelBuildError(f"{self._owner}: noise_type must be 'normal' or 'uniform', got {noise_type!r}.")
        if spectral_radius is not None and spectral_radius <= 0:
            raise ModelBuildError(f"{self._owner}: spectral_radius must be positive, got {spectral_radius!r}.")
        self.num_unit = int(num_unit)
        self.leaky_rate = float(leaky_rate)
        self.activation = _get_activation(activation, self._owner)
        self.activation_type = activation_type
        self.ff_initializer, self.rec_initializer = ff_initializer, rec_initializer
        self.fb_initializer, self.bias_initializer = fb_initializer, bias_initializer
        self.ff_connectivity, self.rec_connectivity = float(ff_connectivity), float(rec_connectivity)
        self.fb_connectivity = float(fb_connectivity)
        self.conn_type = conn_type
        self.spectral_radius = spectral_radius
        self.noise_ff, self.noise_rec, self.noise_fb = float(noise_ff), float(noise_rec), float(noise_fb)
        self.noise_type = noise_type
        self.seed = seed
        # one seed for both generators; None takes the global stream's next (see bm.random.next_seed)
        seed = bm.random.next_seed() if seed is None else seed
        self.rng = bm.random.RandomState(seed)
        self._np_rng = np.random.default_rng(seed)
        self.Wff = self.Wrec = self.Wfb = self.bias = None
        self.set_output_shape((None, self.num_unit))

    def _sparse(self, weights, connectivity):
        w = np.asarray(unwrap(weights))
        if connectivity < 1.:
            w = w * (self._np_rng.random(w.shape) < connectivity)
        return w

    def init_ff(self) -> None:
        num_input = _num_features(self)
        wff = init_param(self.ff_initializer, (num_input, self.num_unit), allow_none=False)
        self.Wff = _param(self, jnp.asarray(self._sparse(wff, self.ff_connectivity)))
        wrec = self._sparse(init_param(self.rec_initializer, (self.num_unit, self.num_unit), allow_none=False),
                            self.rec_connectivity)
        if self.spectral_radius is not None:
            radius = float(np.max(np.abs(np.linalg.eigvals(wrec.astype(np.float64)))))
            if radius == 0.:
                raise ModelBuildError(f"{self._owner}: the recurrent weights are all zero; cannot set their spectral radius.")
            wrec = wrec * (self.spectral_radius / radius)
        self.Wrec = _param(self, jnp.asarray(wrec))
        self.bias = _param(self, init_param(self.bias_initializer, (self.num_unit,)))
        self.set_output_shape((self.feedforward_shapes[0][0], self.num_unit))

    def init_fb(self) -> None:
        num_fb = int(sum(s[-1] for s in self.feedback_shapes))
        wfb = init_param(self.fb_initializer, (num_fb, self.num_unit), allow_none=False)
        self.Wfb = _param(self, jnp.asarray(self._sparse(wfb, self.fb_connectivity)))

    def init_state(self, num_batch: int = 1) -> None:
        self.set_state(jnp.zeros((num_batch, self.num_unit), dtype=bm.float_))

    def _noise(self, scale, shape):
        if scale == 0.:
            return 0.
        if self.noise_type == "normal":
            return scale * unwrap(self.rng.normal(size=shape))
        return scale * unwrap(self.rng.uniform(-1., 1., size=shape))

    def forward(self, ff: Sequence[ArrayLike], fb: Optional[Sequence[ArrayLike]] = None, **kwargs: Any) -> Array:
        x = _concat_last(ff)
        if self.state is None:
            raise self._no_state()
        state = self.state.value
        hidden = x @ unwrap(self.Wff) + self._noise(self.noise_ff, state.shape)
        hidden = hidden + state @ unwrap(self.Wrec) + self._noise(self.noise_rec, state.shape)
        if self.bias is not None:
            hidden = hidden + unwrap(self.bias)
        if fb is not None:
            hidden = hidden + _concat_last(fb) @ unwrap(self.Wfb) + self._noise(self.noise_fb, state.shape)
        a = self.leaky_rate
        if self.activation_type == "internal":
            new = (1 - a) * state + a * unwrap(self.activation(hidden))
            self.state.value = new
            return bm.Array(new)
        new = (1 - a) * state + a * hidden
        self.state.value = new
        return bm.Array(unwrap(self.activation(new)))


class NVAR(RecurrentNode):
    """Nonlinear vector auto-regression: delayed inputs and their polynomial monomials.

    The linear features are the input now and ``delay - 1`` earlier inputs, ``stride`` steps
    apart (newest first); the nonlinear features are the distinct monomials of the linear
    features of each degree in ``order`` (e.g. for degree 2 every ``u_i u_j`` with ``i <= j``).
    The output is ``[1 (if constant), linear, nonlinear]``.

    Args:
      delay: the number of delayed inputs (including the current one).
      order: the degree (or a sequence of degrees) of the monomials; None or 0 for none.
      stride: the number of steps between two delayed inputs.
      constant: whether a constant 1 is added to the output.
      **kwargs: see `RecurrentNode`.
    """

    def __init__(self, delay: int, order: Union[int, Sequence[int], None] = None, stride: int = 1,
                 constant: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        for name, value in (("delay", delay), ("stride", stride)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ModelBuildError(f"{self._owner}: {name} must be a positive int, got {value!r}.")
        orders: Tuple[int, ...]
        if order is None or order == 0:
            orders = ()
        elif isinstance(order, (int, np.integer)):
            orders = (int(order),)
        else:
            orders = tuple(int(o) for o in order)
        if any(o < 2 for o in orders):
            raise ModelBuildError(f"{self._owner}: the monomial orders must be >= 2 (the linear part is always "
                                  f"included), got {order!r}.")
        self.delay, self.stride, self.orders, self.constant = int(delay), int(stride), orders, bool(constant)
        self.num_delay = 1 + (self.delay - 1) * self.stride
        self.comb_ids = []

    def init_ff(self) -> None:
        if len(self.feedforward_shapes) != 1 or len(self.feedforward_shapes[0]) != 2:
            raise ModelBuildError(f"{self._owner} takes one input of shape (batch, features), got {self.feedforward_shapes}.")
        self.num_in = int(self.feedforward_shapes[0][-1])
        linear_dim = self.delay * self.num_in
        self.comb_ids = [jnp.asarray(list(itertools.combinations_with_replacement(range(linear_dim), o)), dtype=jnp.int32)
                         for o in self.orders]
        nonlinear_dim = sum(int(c.shape[0]) for c in self.comb_ids)
        self.linear_dim, self.nonlinear_dim = linear_dim, nonlinear_dim
        self.set_output_shape((None, int(self.constant) + linear_dim + nonlinear_dim))

    def init_state(self, num_batch: int = 1) -> None:
        self.set_state(jnp.zeros((num_batch, self.num_delay, self.num_in), dtype=bm.float_))

    def _names(self, current, delayed):
        if not self.is_ff_initialized:
            raise ModelBuildError(f"{self._owner}: the feature names need the input size; initialize the node first.")
        linear = [current(i) for i in range(self.num_in)]
        for d in range(1, self.delay):
            linear += [delayed(i, d * self.stride) for i in range(self.num_in)]
        nonlinear = []
        for ids in self.comb_ids:
            for combo in np.asarray(ids):
                terms = []
                for k in sorted(set(combo.tolist())):
                    power = int(np.sum(combo == k))
                    terms.append(linear[k] if power == 1 else f"{linear[k]}^{power}")
                nonlinear.append(" ".join(terms))
        return linear, nonlinear

    def get_feature_names(self) -> List[str]:
        """The names of the output features, in output order.

        ``'1'`` for the constant, ``'x<i>(t)'`` and ``'x<i>(t-<lag>)'`` for the linear features
        (input ``i`` now and ``lag`` steps ago), and the monomials as the names of their factors
        joined by spaces, with powers written ``^<n>`` (``'x0(t)^2'``, ``'x0(t) x1(t-1)'``).
        """
        linear, nonlinear = self._names(lambda i: f"x{i}(t)", lambda i, lag: f"x{i}(t-{lag})")
        return (["1"] if self.constant else []) + linear + nonlinear

    def get_feature_names_for_plot(self) -> List[str]:
        """The feature names as matplotlib math text (``'$x0_t$'``, ``'$x0_{t-1}$'``, ``'$x0_t^2$'``;
        ``'1'`` for the constant)."""
        linear, nonlinear = self._names(lambda i: f"x{i}_t", lambda i, lag: f"x{i}_{{t-{lag}}}")
        return (["1"] if self.constant else []) + [f"${n}$" for n in linear + nonlinear]

    def forward(self, ff: Sequence[ArrayLike], **kwargs: Any) -> Array:
        x = unwrap(ff[0])
        if self.state is None:
            raise self._no_state()
        store = jnp.concatenate([x[:, None, :], self.state.value[:, :-1]], axis=1)
        self.state.value = store
        linear = jnp.reshape(store[:, ::self.stride], (x.shape[0], -1))
        parts = [linear]
        for ids in self.comb_ids:
            parts.append(jnp.prod(linear[:, ids], axis=-1))
        if self.constant:
            parts.insert(0, jnp.ones((x.shape[0], 1), dtype=linear.dtype))
        return bm.Array(jnp.concatenate(parts, axis=-1))
