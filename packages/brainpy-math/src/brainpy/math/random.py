"""NumPy-like random sampling on JAX: the `RandomState` variable and module-level samplers.

A `RandomState` is a `Variable` holding a raw ``uint32[2]`` JAX PRNG key.  Every sampling method
splits that key, keeps one half as the new state (written in place, so object-oriented
transformations see the change) and draws with the other half.  Passing ``key=`` to a method
draws with that key instead and leaves the state untouched.  The module-level functions
(``bm.random.normal(...)``) sample with the shared state `DEFAULT`.

Seeds of objects given ``seed=None`` (a `RandomState`, a connector, an initializer, ...) come
from `next_seed`; its rule makes a script repeat exactly after ``bm.random.seed(s)`` and, as in
BrainPy 2.1, after ``np.random.seed(s)``.  See `next_seed`.

Distributions that ``jax.random`` does not provide (hypergeometric, logseries, von Mises, Zipf,
noncentral chi-square and F, ...) are built from the ones it does, vectorised and jittable.
"""

import builtins
import functools
import inspect
import operator
import secrets
from typing import Any, List, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
from jax import lax
from jax.tree_util import register_pytree_node_class

from brainpy.math.ndarray import Array, ArrayLike, Variable, _unwrap
from brainpy.tools.sizes import check_array_size
from brainpy.errors import BrainPyAttributeError, BrainPyTypeError, MathError

__all__ = [
    "RandomState",
    "DEFAULT",  # noqa: F822 (created on first use by the module __getattr__)
    "seed",
    "next_seed",
    "split_key",
    "split_keys",
    "default_rng",
]

_UINT32_MASK = 0xFFFFFFFF

# NumPy's ``size``: None (the parameters' broadcast shape), an int or a sequence of ints.
_Size = Optional[Union[int, Sequence[int]]]
# A PRNG key: a raw ``uint32[2]`` array, a typed JAX key, or an integer seed; None for the state's.
_Key = Optional[Union[int, Array, jax.Array, np.ndarray]]
# An integer seed or a key (as ``_Key``); None for a seed chosen by the callee.
_Seed = _Key


# ----- helpers ----------------------------------------------------------------------------------

def _float_dtype(dtype=None):
    dtype = np.float64 if dtype is None else dtype
    if not jnp.issubdtype(dtype, jnp.floating):
        raise BrainPyTypeError(f"expected a floating dtype, got {dtype!r}.")
    return jax.dtypes.canonicalize_dtype(dtype)


def _int_dtype(dtype=None):
    dtype = np.int64 if dtype is None or dtype is int else dtype
    if not jnp.issubdtype(dtype, jnp.integer):
        raise BrainPyTypeError(f"expected an integer dtype, got {dtype!r}.")
    return jax.dtypes.canonicalize_dtype(dtype)


def _as_jax(x):
    """Unwrap `Array`/`Variable` parameters (also inside lists) into JAX arrays."""
    return jnp.asarray(_unwrap(x))


def _concrete(x):
    """Return ``x`` as a NumPy array when its value is known at trace time, else ``None``."""
    x = _unwrap(x)
    if isinstance(x, jax.core.Tracer):
        return None
    try:
        return np.asarray(x)
    except (TypeError, jax.errors.ConcretizationTypeError):
        return None


def _check(fname, pname, value, ok, expected):
    """Raise ``ValueError`` when a concrete parameter violates ``ok`` (traced values are trusted)."""
    v = _concrete(value)
    if v is None:
        return
    good = np.asarray(ok(v))
    if not np.all(good):
        bad = np.broadcast_to(v, good.shape)[~good].ravel()[0] if good.ndim else v
        raise MathError(f"random.{fname}: expected {pname} {expected}, got {pname}={bad}.")


def _check_order(fname, names, *values, strict=True):
    """Raise ``ValueError`` unless the concrete ``values`` are increasing (``strict``: strictly)."""
    concrete = [_concrete(v) for v in values]
    if any(c is None for c in concrete):
        return
    arrays = np.broadcast_arrays(*concrete)
    for (n0, a0), (n1, a1) in zip(zip(names, arrays), zip(names[1:], arrays[1:])):
        good = a0 < a1 if strict else a0 <= a1
        if not np.all(good):
            i = np.unravel_index(np.argmin(good), good.shape) if good.ndim else ()
            op = "<" if strict else "<="
            raise MathError(
                f"random.{fname}: expected {n0} {op} {n1}, got {n0}={a0[i]} and {n1}={a1[i]}."
            )


def _size2shape(fname, size):
    """Convert NumPy's ``size`` (None, an int or a sequence of ints) to a shape tuple or None."""
    if size is None:
        return None
    if isinstance(size, (Array, jax.Array, np.ndarray)) and np.ndim(size) == 0:
        size = int(size)
    try:
        shape = (operator.index(size),)
    except TypeError:
        try:
            shape = tuple(operator.index(s) for s in size)
        except TypeError:
            raise BrainPyTypeError(
                f"random.{fname}: size must be None, an int or a tuple of ints, got {size!r}."
            ) from None
    if any(s < 0 for s in shape):
        raise MathError(f"random.{fname}: size must not contain negative numbers, got {size!r}.")
    # a size no device can hold raises here instead of aborting the process inside XLA
    return check_array_size(shape, name="size", owner=f"random.{fname}")


def _shape(fname, size, *params):
    """The output shape: ``size`` if given (parameters must broadcast to it), else the broadcast
    shape of the parameters."""
    shape = _size2shape(fname, size)
    pshapes = [jnp.shape(p) for p in params]
    try:
        bshape = np.broadcast_shapes(*pshapes) if pshapes else ()
    except ValueError:
        raise MathError(
            f"random.{fname}: parameter shapes {pshapes} cannot be broadcast together."
        ) from None
    if shape is None:
        return tuple(bshape)
    try:
        ok = np.broadcast_shapes(shape, bshape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise MathError(
            f"random.{fname}: parameters of shape {tuple(bshape)} cannot be broadcast to "
            f"size={shape}."
        )
    return shape


def _seed_to_key(seed):
    """A raw ``uint32[2]`` key from an integer seed (as ``jax.random.PRNGKey``) or a key."""
    seed = _unwrap(seed)
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        seed = int(seed)
        if not -(2 ** 63) <= seed < 2 ** 64:
            raise MathError(f"RandomState: the seed must fit into 64 bits, got {seed}.")
        return jnp.asarray([(seed >> 32) & _UINT32_MASK, seed & _UINT32_MASK], dtype=jnp.uint32)
    return _check_key(seed, "RandomState")


def _typed_key(raw):
    """Wrap a raw ``uint32[2]`` key for `jax.random`.

    The state stays a raw key (its public form), while `jax.random` receives typed keys, so
    draws also work where JAX is configured to reject raw keys (``jax_legacy_prng_key="error"``).
    """
    return jr.wrap_key_data(raw, impl="threefry2x32")


def _check_key(key, owner):
    """Validate a PRNG key: a raw ``uint32[2]`` array, a typed JAX key, or an integer seed."""
    key = _unwrap(key)
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return _seed_to_key(key)
    if hasattr(key, "dtype") and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        key = jr.key_data(key)
    try:
        key = jnp.asarray(key)
    except TypeError:
        raise BrainPyTypeError(
            f"{owner}: expected a PRNG key (uint32 array of shape (2,)) or an integer seed, "
            f"got {type(key).__name__}."
        ) from None
    if tuple(key.shape) != (2,) or key.dtype != jnp.uint32:
        raise MathError(
            f"{owner}: expected a PRNG key of shape (2,) and dtype uint32, got shape "
            f"{tuple(key.shape)} and dtype {key.dtype}."
        )
    return key


def _rejection(key, shape, dtype, propose):
    """Vectorised rejection sampling: ``propose(key) -> (candidates, accepted)`` is called with
    fresh keys until every element has been accepted once."""

    def cond(state):
        return ~jnp.all(state[2])

    def body(state):
        i, out, done = state
        cand, acc = propose(jr.fold_in(key, i))
        out = jnp.where(done, out, cand.astype(dtype))
        return i + 1, out, done | acc

    init = (jnp.int32(0), jnp.zeros(shape, dtype), jnp.zeros(shape, bool))
    return lax.while_loop(cond, body, init)[1]


@functools.partial(jax.jit, static_argnums=(3, 4))
def _vonmises(key, mu, kappa, shape, ftype):
    """Best and Fisher's rejection sampler, with exact limits for tiny and huge ``kappa``."""
    k = jnp.broadcast_to(kappa, shape).astype(ftype)
    # tiny kappa: uniform on the circle; huge kappa: the wrapped normal limit
    tiny = k < 1e-8
    huge = k > (1e6 if ftype == jnp.float64 else 1e4)
    ks = jnp.where(tiny | huge, 1.0, k)
    tau = 1.0 + jnp.sqrt(1.0 + 4.0 * ks * ks)
    rho = 2.0 * ks / (tau + jnp.sqrt(2.0 * tau))
    r = (1.0 + rho * rho) / (2.0 * rho)
    k_main, k_sign, k_other = jr.split(key, 3)

    def propose(sub):
        u1, u2 = jr.uniform(sub, (2,) + shape, ftype)
        z = jnp.cos(jnp.pi * u1)
        w = (1.0 + r * z) / (r + z)
        c = ks * (r - w)
        acc = (c * (2.0 - c) - u2 > 0) | (jnp.log(c / u2) + 1.0 - c >= 0)
        return jnp.clip(w, -1.0, 1.0), acc

    w = _rejection(k_main, shape, ftype, propose)
    sign = jnp.where(jr.uniform(k_sign, shape, ftype) < 0.5, -1.0, 1.0)
    theta = sign * jnp.arccos(w)
    other = jnp.where(
        tiny,
        jr.uniform(k_other, shape, ftype, -jnp.pi, jnp.pi),
        jr.normal(k_other, shape, ftype) / jnp.sqrt(jnp.where(huge, k, 1.0)),
    )
    theta = jnp.where(tiny | huge, other, theta) + mu
    return jnp.mod(theta + jnp.pi, 2.0 * jnp.pi) - jnp.pi


@functools.partial(jax.jit, static_argnums=(2, 3, 4))
def _zipf(key, a, shape, ftype, itype):
    """Devroye's rejection sampler for the Zipf distribution."""
    am1 = jnp.broadcast_to(a - 1.0, shape).astype(ftype)
    b = jnp.exp2(am1)
    limit = float(jnp.iinfo(itype).max)

    def propose(sub):
        u, v = jr.uniform(sub, (2,) + shape, ftype)
        x = jnp.floor((1.0 - u) ** (-1.0 / am1))
        t = (1.0 + 1.0 / x) ** am1
        acc = (x >= 1) & (x <= limit) & (v * x * (t - 1.0) / (b - 1.0) <= t / b)
        return jnp.clip(x, 1, limit), acc

    return _rejection(key, shape, ftype, propose).astype(itype)


@functools.partial(jax.jit, static_argnums=(4, 5))
def _hypergeometric(key, ngood, nbad, nsample, shape, dtype):
    """Exact urn simulation: ``min(nsample, total - nsample)`` vectorised draws."""
    good = jnp.broadcast_to(ngood, shape).astype(dtype)
    bad = jnp.broadcast_to(nbad, shape).astype(dtype)
    n = jnp.broadcast_to(nsample, shape).astype(dtype)
    total = good + bad
    # drawing the complement is the same experiment; draw whichever set is smaller
    flip = n > total - n
    m = jnp.where(flip, total - n, n)
    steps = jnp.max(m) if m.size else jnp.zeros((), dtype)
    ftype = _float_dtype()

    def cond(state):
        return state[0] < steps

    def body(state):
        i, good_left, bad_left, picked = state
        u = jr.uniform(jr.fold_in(key, i), shape, ftype)
        active = i < m
        pick_good = active & (u * (good_left + bad_left).astype(ftype) < good_left.astype(ftype))
        pick_bad = active & ~pick_good
        return (i + 1, good_left - pick_good, bad_left - pick_bad,
                picked + pick_good.astype(dtype))

    init = (jnp.zeros((), dtype), good, bad, jnp.zeros(shape, dtype))
    picked = lax.while_loop(cond, body, init)[3]
    return jnp.where(flip, good - picked, picked)


# ----- the random state -------------------------------------------------------------------------

@register_pytree_node_class
class RandomState(Variable):
    """A `Variable` holding a JAX PRNG key, with NumPy-like sampling methods.

    Args:
      seed_or_key: an integer seed (giving the key ``[0, seed]`` like ``jax.random.PRNGKey``), a
        ``uint32[2]`` key, or ``None`` for the seed `next_seed` derives.
      seed: the same, by its older keyword name.

    Every sampling method takes ``key=``: with it the draw uses that key and the state does not
    advance; without it the state's key is split and advanced in place.

    Examples:
      >>> import brainpy.math as bm
      >>> rng = bm.random.RandomState(1234)
      >>> rng
      RandomState(key=([   0, 1234], dtype=uint32))
      >>> x = rng.normal(0., 2., size=5)  # the key changes after each draw
    """

    __slots__ = ()

    def __init__(self, seed_or_key: _Seed = None, seed: _Seed = None):
        if seed_or_key is not None and seed is not None:
            raise MathError("RandomState: give either seed_or_key or seed, not both.")
        if seed_or_key is None:
            seed_or_key = seed
        super().__init__(self._make_key(seed_or_key))

    @staticmethod
    def _make_key(seed_or_key):
        if seed_or_key is None:
            seed_or_key = next_seed()
        return _seed_to_key(seed_or_key)

    def __repr__(self):
        key = self._value
        if isinstance(key, jax.core.Tracer):
            return f"RandomState(key={key!r})"
        body = np.array2string(np.asarray(key), separator=", ")
        return f"RandomState(key=({body}, dtype={key.dtype}))"

    # ----- key management -----
    def seed(self, seed_or_key: _Seed = None, seed: _Seed = None) -> None:
        """Reset the key in place from an integer seed, a key, or ``None`` (`next_seed`'s seed)."""
        if seed_or_key is not None and seed is not None:
            raise MathError("RandomState.seed: give either seed_or_key or seed, not both.")
        if seed_or_key is None:
            seed_or_key = seed
        self.value = self._make_key(seed_or_key)

    def split_key(self) -> jax.Array:
        """Advance the state and return a new independent key."""
        keys = jr.key_data(jr.split(_typed_key(self.value)))
        self.value = keys[0]
        return keys[1]

    def split_keys(self, n: int) -> jax.Array:
        """Advance the state and return ``n`` new independent keys, shape ``(n, 2)``."""
        n = operator.index(n)
        if n < 1:
            raise MathError(f"RandomState.split_keys: expected n >= 1, got n={n}.")
        keys = jr.key_data(jr.split(_typed_key(self.value), n + 1))
        self.value = keys[0]
        return keys[1:]

    def _key(self, key):
        """The typed key a draw consumes: a new one split from the state, or ``key`` checked."""
        if key is None:
            return _typed_key(self.split_key())
        return _typed_key(_check_key(key, "RandomState"))

    # ----- uniform and integer sampling -----
    def rand(self, *dn: int, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)`` of shape ``dn``."""
        shape = _size2shape("rand", dn)
        return Array(jr.uniform(self._key(key), shape, _float_dtype()))

    def random(self, size: _Size = None, dtype: Any = None, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)``."""
        shape = _size2shape("random", size) or ()
        return Array(jr.uniform(self._key(key), shape, _float_dtype(dtype)))

    def random_sample(self, size: _Size = None, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)`` (alias of `random`)."""
        return self.random(size, key=key)

    def ranf(self, size: _Size = None, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)`` (alias of `random`)."""
        return self.random(size, key=key)

    def sample(self, size: _Size = None, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)`` (alias of `random`)."""
        return self.random(size, key=key)

    def uniform(self, low: ArrayLike = 0.0, high: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Uniform samples in ``[low, high)``."""
        low, high = _as_jax(low), _as_jax(high)
        _check("uniform", "low and high", jnp.broadcast_arrays(low, high),
               lambda v: np.isfinite(v), "finite")
        shape = _shape("uniform", size, low, high)
        u = jr.uniform(self._key(key), shape, _float_dtype())
        return Array(low + (high - low) * u)

    def randint(self, low: ArrayLike, high: Optional[ArrayLike] = None, size: _Size = None, dtype: Any = int,
                key: _Key = None) -> Array:
        """Integers uniformly drawn from ``[low, high)`` (from ``[0, low)`` when ``high`` is None)."""
        if high is None:
            low, high = 0, low
        low, high = _as_jax(low), _as_jax(high)
        _check_order("randint", ("low", "high"), low, high)
        shape = _shape("randint", size, low, high)
        dtype = _int_dtype(dtype)
        low = jnp.broadcast_to(low, shape)
        high = jnp.broadcast_to(high, shape)
        return Array(jr.randint(self._key(key), shape, low, high, dtype))

    def integers(self, low: ArrayLike, high: Optional[ArrayLike] = None, size: _Size = None, dtype: Any = int,
                 endpoint: bool = False, key: _Key = None) -> Array:
        """Integers from ``[low, high)``, or ``[low, high]`` with ``endpoint=True``."""
        if high is None:
            low, high = 0, low
        if endpoint:
            _check_order("integers", ("low", "high"), low, high, strict=False)
            high = _as_jax(high) + 1
        return self.randint(low, high, size=size, dtype=dtype, key=key)

    def random_integers(self, low: ArrayLike, high: Optional[ArrayLike] = None, size: _Size = None,
                        key: _Key = None) -> Array:
        """Integers from the closed interval ``[low, high]`` (``[1, low]`` when ``high`` is None)."""
        if high is None:
            low, high = 1, low
        _check_order("random_integers", ("low", "high"), low, high, strict=False)
        return self.randint(low, _as_jax(high) + 1, size=size, key=key)

    def randint_like(self, input: ArrayLike, low: ArrayLike = 0, high: Optional[ArrayLike] = None, *, dtype: Any = None,
                     key: _Key = None) -> Array:
        """Integers from ``[low, high)`` (``[0, low)`` when ``high`` is None) shaped like ``input``."""
        if high is None:
            low, high = 0, low
        return self.randint(low, high, size=jnp.shape(_unwrap(input)), dtype=dtype, key=key)

    def rand_like(self, input: ArrayLike, *, dtype: Any = None, key: _Key = None) -> Array:
        """Uniform samples in ``[0, 1)`` shaped like ``input``."""
        return self.random(jnp.shape(_unwrap(input)), dtype=dtype, key=key)

    def randn_like(self, input: ArrayLike, *, dtype: Any = None, key: _Key = None) -> Array:
        """Standard normal samples shaped like ``input``."""
        return self.standard_normal(jnp.shape(_unwrap(input)), dtype=dtype, key=key)

    def bytes(self, length: int, key: _Key = None) -> builtins.bytes:
        """``length`` random bytes (a Python ``bytes`` object; not usable inside ``jit``)."""
        length = operator.index(length)
        if length < 0:
            raise MathError(f"random.bytes: expected length >= 0, got length={length}.")
        data = jr.randint(self._key(key), (length,), 0, 256, jnp.int32)
        return np.asarray(data, dtype=np.uint8).tobytes()

    # ----- permutations and choices -----
    def choice(self, a: ArrayLike, size: _Size = None, replace: bool = True, p: Optional[ArrayLike] = None,
               axis: int = 0, shuffle: bool = True, key: _Key = None) -> Array:
        """Random samples from ``a`` (an array, or ``arange(a)`` for an int)."""
        a = _unwrap(a)
        if isinstance(a, (int, np.integer)):
            if a <= 0:
                raise MathError(f"random.choice: expected a > 0 when a is an int, got a={a}.")
            pop = int(a)
        else:
            a = jnp.asarray(a)
            if a.ndim == 0:
                raise MathError("random.choice: a must be an int or an array with at least 1 dimension.")
            pop = a.shape[axis]
        shape = _size2shape("choice", size) or ()
        if p is not None:
            p = _as_jax(p)
            if p.shape != (pop,):
                raise MathError(
                    f"random.choice: p must have shape ({pop},) to match the population, "
                    f"got {p.shape}."
                )
            _check("choice", "p", p, lambda v: v >= 0, "non-negative")
            _check("choice", "sum(p)", jnp.sum(p), lambda v: np.abs(v - 1) < 1e-4, "to be 1")
        if not replace and int(np.prod(shape)) > pop:
            raise MathError(
                f"random.choice: cannot take {int(np.prod(shape))} samples without replacement "
                f"from a population of {pop}."
            )
        return Array(jr.choice(self._key(key), a, shape, replace, p, axis))

    def permutation(self, x: ArrayLike, axis: int = 0, independent: bool = False, key: _Key = None) -> Array:
        """A permuted copy of ``x`` along ``axis`` (a permutation of ``arange(x)`` for an int)."""
        x = _unwrap(x)
        if not isinstance(x, (int, np.integer)):
            x = jnp.asarray(x)
            if x.ndim == 0:
                raise MathError("random.permutation: x must be an int or an array with at least 1 dimension.")
        return Array(jr.permutation(self._key(key), x, axis, independent))

    def permuted(self, x: ArrayLike, axis: Optional[int] = None, key: _Key = None) -> Array:
        """A copy of ``x`` whose slices along ``axis`` are shuffled independently (all elements
        when ``axis`` is None)."""
        x = _as_jax(x)
        if axis is None:
            flat = jr.permutation(self._key(key), x.ravel())
            return Array(flat.reshape(x.shape))
        return Array(jr.permutation(self._key(key), x, axis, independent=True))

    def shuffle(self, x: Union[Array, np.ndarray], axis: int = 0, key: _Key = None) -> None:
        """Shuffle ``x`` in place along ``axis``; ``x`` must be an `Array` (or a NumPy array).

        Returns:
          None, as NumPy's ``shuffle``.
        """
        if isinstance(x, Array):
            x.value = jr.permutation(self._key(key), x.value, axis)
        elif isinstance(x, np.ndarray):
            x[...] = np.asarray(jr.permutation(self._key(key), jnp.asarray(x), axis))
        else:
            raise BrainPyTypeError(
                f"random.shuffle: expected a brainpy Array or a NumPy array to shuffle in place, "
                f"got {type(x).__name__}; use permutation() for immutable JAX arrays."
            )

    # ----- continuous distributions -----
    def standard_normal(self, size: _Size = None, dtype: Any = None, key: _Key = None) -> Array:
        """Samples of the standard normal distribution."""
        shape = _size2shape("standard_normal", size) or ()
        return Array(jr.normal(self._key(key), shape, _float_dtype(dtype)))

    def randn(self, *dn: int, key: _Key = None) -> Array:
        """Standard normal samples of shape ``dn``."""
        shape = _size2shape("randn", dn)
        return Array(jr.normal(self._key(key), shape, _float_dtype()))

    def normal(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Normal samples with mean ``loc`` and standard deviation ``scale``."""
        loc, scale = _as_jax(loc), _as_jax(scale)
        _check("normal", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("normal", size, loc, scale)
        return Array(loc + scale * jr.normal(self._key(key), shape, _float_dtype()))

    def lognormal(self, mean: ArrayLike = 0.0, sigma: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Samples whose logarithm is normal with mean ``mean`` and std ``sigma``."""
        mean, sigma = _as_jax(mean), _as_jax(sigma)
        _check("lognormal", "sigma", sigma, lambda v: v >= 0, ">= 0")
        shape = _shape("lognormal", size, mean, sigma)
        return Array(jnp.exp(mean + sigma * jr.normal(self._key(key), shape, _float_dtype())))

    def truncated_normal(self, lower: ArrayLike, upper: ArrayLike, size: _Size = None, loc: ArrayLike = 0.0,
                         scale: ArrayLike = 1.0, key: _Key = None) -> Array:
        """Normal samples (mean ``loc``, std ``scale``) restricted to ``[lower, upper]``."""
        lower, upper = _as_jax(lower), _as_jax(upper)
        loc, scale = _as_jax(loc), _as_jax(scale)
        _check("truncated_normal", "scale", scale, lambda v: v > 0, "> 0")
        _check_order("truncated_normal", ("lower", "upper"), lower, upper)
        shape = _shape("truncated_normal", size, lower, upper, loc, scale)
        a = (lower - loc) / scale
        b = (upper - loc) / scale
        z = jr.truncated_normal(self._key(key), a, b, shape, _float_dtype())
        return Array(jnp.clip(loc + scale * z, lower, upper))

    def standard_cauchy(self, size: _Size = None, key: _Key = None) -> Array:
        """Samples of the standard Cauchy distribution."""
        shape = _size2shape("standard_cauchy", size) or ()
        return Array(jr.cauchy(self._key(key), shape, _float_dtype()))

    def standard_exponential(self, size: _Size = None, dtype: Any = None, key: _Key = None) -> Array:
        """Samples of the exponential distribution with scale 1."""
        shape = _size2shape("standard_exponential", size) or ()
        return Array(jr.exponential(self._key(key), shape, _float_dtype(dtype)))

    def exponential(self, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Exponential samples with mean ``scale``."""
        scale = _as_jax(scale)
        _check("exponential", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("exponential", size, scale)
        return Array(scale * jr.exponential(self._key(key), shape, _float_dtype()))

    def standard_gamma(self, shape: ArrayLike, size: _Size = None, dtype: Any = None, key: _Key = None) -> Array:
        """Gamma samples with shape parameter ``shape`` and scale 1."""
        k = _as_jax(shape)
        _check("standard_gamma", "shape", k, lambda v: v >= 0, ">= 0")
        out_shape = _shape("standard_gamma", size, k)
        return Array(jr.gamma(self._key(key), k, out_shape, _float_dtype(dtype)))

    def gamma(self, shape: ArrayLike, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Gamma samples with shape ``shape`` and scale ``scale``."""
        k, scale = _as_jax(shape), _as_jax(scale)
        _check("gamma", "shape", k, lambda v: v >= 0, ">= 0")
        _check("gamma", "scale", scale, lambda v: v >= 0, ">= 0")
        out_shape = _shape("gamma", size, k, scale)
        return Array(scale * jr.gamma(self._key(key), k, out_shape, _float_dtype()))

    def loggamma(self, a: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Logarithms of gamma samples with shape ``a``, accurate for small ``a``."""
        a = _as_jax(a)
        _check("loggamma", "a", a, lambda v: v > 0, "> 0")
        shape = _shape("loggamma", size, a)
        return Array(jr.loggamma(self._key(key), a, shape, _float_dtype()))

    def beta(self, a: ArrayLike, b: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Beta samples with parameters ``a`` and ``b``."""
        a, b = _as_jax(a), _as_jax(b)
        _check("beta", "a", a, lambda v: v > 0, "> 0")
        _check("beta", "b", b, lambda v: v > 0, "> 0")
        shape = _shape("beta", size, a, b)
        return Array(jr.beta(self._key(key), a, b, shape, _float_dtype()))

    def dirichlet(self, alpha: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Dirichlet samples; the output shape is ``size + alpha.shape[-1:]``."""
        alpha = _as_jax(alpha)
        if alpha.ndim < 1:
            raise MathError("random.dirichlet: alpha must have at least one dimension.")
        _check("dirichlet", "alpha", alpha, lambda v: v > 0, "> 0")
        batch = _shape("dirichlet", size, alpha[..., 0])
        return Array(jr.dirichlet(self._key(key), alpha, batch, _float_dtype()))

    def gumbel(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Gumbel samples with location ``loc`` and scale ``scale``."""
        loc, scale = _as_jax(loc), _as_jax(scale)
        _check("gumbel", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("gumbel", size, loc, scale)
        return Array(loc + scale * jr.gumbel(self._key(key), shape, _float_dtype()))

    def laplace(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Laplace samples with location ``loc`` and scale ``scale``."""
        loc, scale = _as_jax(loc), _as_jax(scale)
        _check("laplace", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("laplace", size, loc, scale)
        return Array(loc + scale * jr.laplace(self._key(key), shape, _float_dtype()))

    def logistic(self, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Logistic samples with location ``loc`` and scale ``scale``."""
        loc, scale = _as_jax(loc), _as_jax(scale)
        _check("logistic", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("logistic", size, loc, scale)
        return Array(loc + scale * jr.logistic(self._key(key), shape, _float_dtype()))

    def pareto(self, a: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Pareto II (Lomax) samples with shape ``a``, as NumPy: ``Pareto(a, x_m=1) - 1``."""
        a = _as_jax(a)
        _check("pareto", "a", a, lambda v: v > 0, "> 0")
        shape = _shape("pareto", size, a)
        e = jr.exponential(self._key(key), shape, _float_dtype())
        return Array(jnp.expm1(e / a))

    def power(self, a: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Samples in ``[0, 1]`` with density ``a x^(a-1)``."""
        a = _as_jax(a)
        _check("power", "a", a, lambda v: v > 0, "> 0")
        shape = _shape("power", size, a)
        e = jr.exponential(self._key(key), shape, _float_dtype())
        return Array(jnp.exp(-e / a))

    def rayleigh(self, scale: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Rayleigh samples with mode ``scale``."""
        scale = _as_jax(scale)
        _check("rayleigh", "scale", scale, lambda v: v >= 0, ">= 0")
        shape = _shape("rayleigh", size, scale)
        e = jr.exponential(self._key(key), shape, _float_dtype())
        return Array(scale * jnp.sqrt(2.0 * e))

    def standard_t(self, df: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Student's t samples with ``df`` degrees of freedom."""
        df = _as_jax(df)
        _check("standard_t", "df", df, lambda v: v > 0, "> 0")
        shape = _shape("standard_t", size, df)
        return Array(jr.t(self._key(key), df, shape, _float_dtype()))

    def t(self, df: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Student's t samples (alias of `standard_t`)."""
        return self.standard_t(df, size, key=key)

    def chisquare(self, df: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Chi-square samples with ``df`` degrees of freedom."""
        df = _as_jax(df)
        _check("chisquare", "df", df, lambda v: v > 0, "> 0")
        shape = _shape("chisquare", size, df)
        return Array(2.0 * jr.gamma(self._key(key), df / 2.0, shape, _float_dtype()))

    def noncentral_chisquare(self, df: ArrayLike, nonc: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Noncentral chi-square samples, drawn as a Poisson mixture of central ones."""
        df, nonc = _as_jax(df), _as_jax(nonc)
        _check("noncentral_chisquare", "df", df, lambda v: v > 0, "> 0")
        _check("noncentral_chisquare", "nonc", nonc, lambda v: v >= 0, ">= 0")
        shape = _shape("noncentral_chisquare", size, df, nonc)
        return Array(self._noncentral_chisquare(self._key(key), df, nonc, shape))

    @staticmethod
    def _noncentral_chisquare(key, df, nonc, shape):
        k1, k2 = jr.split(key)
        ftype = _float_dtype()
        i = jr.poisson(k1, jnp.broadcast_to(nonc / 2.0, shape), shape)
        return 2.0 * jr.gamma(k2, df / 2.0 + i.astype(ftype), shape, ftype)

    def f(self, dfnum: ArrayLike, dfden: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """F (Fisher-Snedecor) samples."""
        dfnum, dfden = _as_jax(dfnum), _as_jax(dfden)
        _check("f", "dfnum", dfnum, lambda v: v > 0, "> 0")
        _check("f", "dfden", dfden, lambda v: v > 0, "> 0")
        shape = _shape("f", size, dfnum, dfden)
        k1, k2 = jr.split(self._key(key))
        ftype = _float_dtype()
        num = jr.gamma(k1, dfnum / 2.0, shape, ftype) / dfnum
        den = jr.gamma(k2, dfden / 2.0, shape, ftype) / dfden
        return Array(num / den)

    def noncentral_f(self, dfnum: ArrayLike, dfden: ArrayLike, nonc: ArrayLike, size: _Size = None,
                     key: _Key = None) -> Array:
        """Noncentral F samples."""
        dfnum, dfden, nonc = _as_jax(dfnum), _as_jax(dfden), _as_jax(nonc)
        _check("noncentral_f", "dfnum", dfnum, lambda v: v > 0, "> 0")
        _check("noncentral_f", "dfden", dfden, lambda v: v > 0, "> 0")
        _check("noncentral_f", "nonc", nonc, lambda v: v >= 0, ">= 0")
        shape = _shape("noncentral_f", size, dfnum, dfden, nonc)
        k1, k2 = jr.split(self._key(key))
        num = self._noncentral_chisquare(k1, dfnum, nonc, shape) / dfnum
        den = 2.0 * jr.gamma(k2, dfden / 2.0, shape, _float_dtype()) / dfden
        return Array(num / den)

    def triangular(self, left: Optional[ArrayLike] = None, mode: Optional[ArrayLike] = None,
                   right: Optional[ArrayLike] = None, size: _Size = None, key: _Key = None) -> Array:
        """Samples of the triangular distribution on ``[left, right]`` peaking at ``mode``.

        Given only a shape, as ``triangular(size)`` or ``triangular(size=...)``, it draws what
        BrainPy 2.1's ``triangular`` drew: integers -1 and +1 with equal probability.
        """
        if mode is None and right is None:
            if left is not None and size is not None:
                raise BrainPyTypeError(
                    f"random.triangular: got left={left!r} and size={size!r} without mode and "
                    f"right; expected left, mode and right, or only a size."
                )
            shape = _size2shape("triangular", size if left is None else left) or ()
            signs = jr.bernoulli(self._key(key), 0.5, shape).astype(_int_dtype())
            return Array(2 * signs - 1)
        if left is None or mode is None or right is None:
            raise BrainPyTypeError(
                f"random.triangular: expected left, mode and right, got left={left!r}, "
                f"mode={mode!r}, right={right!r}."
            )
        left, mode, right = _as_jax(left), _as_jax(mode), _as_jax(right)
        _check_order("triangular", ("left", "mode", "right"), left, mode, right, strict=False)
        _check_order("triangular", ("left", "right"), left, right)
        shape = _shape("triangular", size, left, mode, right)
        u = jr.uniform(self._key(key), shape, _float_dtype())
        width = right - left
        frac = (mode - left) / width
        low_side = left + jnp.sqrt(u * width * (mode - left))
        high_side = right - jnp.sqrt((1.0 - u) * width * (right - mode))
        return Array(jnp.where(u < frac, low_side, high_side))

    def vonmises(self, mu: ArrayLike, kappa: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Von Mises samples on ``[-pi, pi]`` with mode ``mu`` and concentration ``kappa``
        (Best and Fisher's rejection algorithm)."""
        mu, kappa = _as_jax(mu), _as_jax(kappa)
        _check("vonmises", "kappa", kappa, lambda v: v >= 0, ">= 0")
        shape = _shape("vonmises", size, mu, kappa)
        return Array(_vonmises(self._key(key), mu, kappa, shape, _float_dtype()))

    def wald(self, mean: ArrayLike, scale: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Wald (inverse Gaussian) samples with mean ``mean`` and shape ``scale``."""
        mean, scale = _as_jax(mean), _as_jax(scale)
        _check("wald", "mean", mean, lambda v: v > 0, "> 0")
        _check("wald", "scale", scale, lambda v: v > 0, "> 0")
        shape = _shape("wald", size, mean, scale)
        ftype = _float_dtype()
        k1, k2 = jr.split(self._key(key))
        y = mean * jnp.square(jr.normal(k1, shape, ftype))
        s = jnp.sqrt(y * y + 4.0 * scale * y)
        # Michael, Schucany & Haas root, written without cancellation
        x = jnp.where(y > 0, mean * 4.0 * scale * y / jnp.square(y + s), mean)
        u = jr.uniform(k2, shape, ftype)
        return Array(jnp.where(u * (mean + x) <= mean, x, mean * mean / x))

    def weibull(self, a: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Weibull samples with shape ``a`` and scale 1."""
        a = _as_jax(a)
        _check("weibull", "a", a, lambda v: v >= 0, ">= 0")
        shape = _shape("weibull", size, a)
        e = jr.exponential(self._key(key), shape, _float_dtype())
        safe_a = jnp.where(a == 0, 1.0, a)
        return Array(jnp.where(a == 0, 0.0, e ** (1.0 / safe_a)))

    def weibull_min(self, a: ArrayLike, scale: Optional[ArrayLike] = None, size: _Size = None,
                    key: _Key = None) -> Array:
        """Weibull samples with shape ``a`` and scale ``scale`` (1 when None)."""
        out = self.weibull(a, size=size, key=key)
        if scale is None:
            return out
        scale = _as_jax(scale)
        _check("weibull_min", "scale", scale, lambda v: v >= 0, ">= 0")
        return Array(out.value * scale)

    def maxwell(self, size: _Size = None, key: _Key = None) -> Array:
        """Samples of the Maxwell-Boltzmann distribution with scale 1."""
        shape = _size2shape("maxwell", size) or ()
        return Array(jr.maxwell(self._key(key), shape, _float_dtype()))

    def multivariate_normal(self, mean: ArrayLike, cov: ArrayLike, size: _Size = None, check_valid: str = "warn",
                            tol: float = 1e-8, method: str = "cholesky", key: _Key = None) -> Array:
        """Multivariate normal samples; the output shape is ``size + mean.shape[-1:]``.

        ``method`` is ``'cholesky'``, ``'eigh'`` or ``'svd'``; ``check_valid`` and ``tol`` are
        accepted for NumPy compatibility.
        """
        mean, cov = _as_jax(mean), _as_jax(cov)
        if mean.ndim < 1 or cov.ndim < 2 or cov.shape[-2:] != (mean.shape[-1],) * 2:
            raise MathError(
                f"random.multivariate_normal: mean of shape (..., n) needs cov of shape "
                f"(..., n, n), got mean {mean.shape} and cov {cov.shape}."
            )
        if method not in ("cholesky", "eigh", "svd"):
            raise MathError(
                f"random.multivariate_normal: method must be 'cholesky', 'eigh' or 'svd', "
                f"got {method!r}."
            )
        batch = _shape("multivariate_normal", size, mean[..., 0], cov[..., 0, 0])
        return Array(jr.multivariate_normal(self._key(key), mean, cov, batch,
                                            _float_dtype(), method))

    def orthogonal(self, n: int, size: _Size = None, key: _Key = None) -> Array:
        """Haar-distributed orthogonal matrices of shape ``size + (n, n)``."""
        n = operator.index(n)
        if n < 1:
            raise MathError(f"random.orthogonal: expected n >= 1, got n={n}.")
        shape = _size2shape("orthogonal", size) or ()
        return Array(jr.orthogonal(self._key(key), n, shape, _float_dtype()))

    # ----- discrete distributions -----
    def bernoulli(self, p: ArrayLike = 0.5, size: _Size = None, key: _Key = None) -> Array:
        """Boolean samples that are True with probability ``p``."""
        p = _as_jax(p)
        _check("bernoulli", "p", p, lambda v: (v >= 0) & (v <= 1), "in [0, 1]")
        shape = _shape("bernoulli", size, p)
        return Array(jr.bernoulli(self._key(key), p, shape))

    def binomial(self, n: ArrayLike, p: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Binomial samples: successes in ``n`` trials with probability ``p``."""
        n, p = _as_jax(n), _as_jax(p)
        _check("binomial", "n", n, lambda v: v >= 0, ">= 0")
        _check("binomial", "p", p, lambda v: (v >= 0) & (v <= 1), "in [0, 1]")
        shape = _shape("binomial", size, n, p)
        ftype = _float_dtype()
        r = jr.binomial(self._key(key), n.astype(ftype), p.astype(ftype), shape, ftype)
        return Array(jnp.round(r).astype(_int_dtype()))

    def poisson(self, lam: ArrayLike = 1.0, size: _Size = None, key: _Key = None) -> Array:
        """Poisson samples with rate ``lam``."""
        lam = _as_jax(lam)
        _check("poisson", "lam", lam, lambda v: v >= 0, ">= 0")
        shape = _shape("poisson", size, lam)
        return Array(jr.poisson(self._key(key), jnp.broadcast_to(lam, shape), shape,
                                _int_dtype()))

    def geometric(self, p: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Number of trials until the first success, success probability ``p``."""
        p = _as_jax(p)
        _check("geometric", "p", p, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
        shape = _shape("geometric", size, p)
        u = jr.uniform(self._key(key), shape, _float_dtype())
        # inverse CDF; log1p(-u) is finite since u < 1, and p == 1 gives exactly one trial
        trials = jnp.floor(jnp.log1p(-u) / jnp.log1p(-p)) + 1
        return Array(trials.astype(_int_dtype()))

    def negative_binomial(self, n: ArrayLike, p: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Failures before the ``n``-th success, success probability ``p`` (gamma-Poisson)."""
        n, p = _as_jax(n), _as_jax(p)
        _check("negative_binomial", "n", n, lambda v: v > 0, "> 0")
        _check("negative_binomial", "p", p, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
        shape = _shape("negative_binomial", size, n, p)
        k1, k2 = jr.split(self._key(key))
        lam = jr.gamma(k1, n, shape, _float_dtype()) * (1.0 - p) / p
        return Array(jr.poisson(k2, lam, shape, _int_dtype()))

    def logseries(self, p: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Samples of the logarithmic series distribution (Kemp's algorithm)."""
        p = _as_jax(p)
        _check("logseries", "p", p, lambda v: (v > 0) & (v < 1), "in (0, 1)")
        shape = _shape("logseries", size, p)
        ftype = _float_dtype()
        v, u = jr.uniform(self._key(key), (2,) + shape, ftype)
        r = jnp.log1p(-p)
        q = -jnp.expm1(r * u)
        big = jnp.floor(1.0 + jnp.log(v) / jnp.log(q))
        out = jnp.where(v <= q * q, big, jnp.where(v <= q, 2.0, 1.0))
        out = jnp.where(v >= p, 1.0, jnp.maximum(out, 1.0))
        return Array(out.astype(_int_dtype()))

    def zipf(self, a: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Zipf samples with exponent ``a`` (Devroye's rejection algorithm)."""
        a = _as_jax(a)
        _check("zipf", "a", a, lambda v: v > 1, "> 1")
        shape = _shape("zipf", size, a)
        return Array(_zipf(self._key(key), a, shape, _float_dtype(), _int_dtype()))

    def hypergeometric(self, ngood: ArrayLike, nbad: ArrayLike, nsample: ArrayLike, size: _Size = None,
                       key: _Key = None) -> Array:
        """Number of good items among ``nsample`` drawn without replacement from ``ngood`` good
        and ``nbad`` bad ones (exact urn simulation, cost ``min(nsample, total - nsample)``)."""
        ngood, nbad, nsample = _as_jax(ngood), _as_jax(nbad), _as_jax(nsample)
        _check("hypergeometric", "ngood", ngood, lambda v: v >= 0, ">= 0")
        _check("hypergeometric", "nbad", nbad, lambda v: v >= 0, ">= 0")
        _check("hypergeometric", "nsample", nsample, lambda v: v >= 0, ">= 0")
        _check_order("hypergeometric", ("nsample", "ngood + nbad"), nsample, ngood + nbad,
                     strict=False)
        shape = _shape("hypergeometric", size, ngood, nbad, nsample)
        return Array(_hypergeometric(self._key(key), ngood, nbad, nsample, shape, _int_dtype()))

    def multivariate_hypergeometric(self, colors: ArrayLike, nsample: ArrayLike, size: _Size = None,
                                    key: _Key = None) -> Array:
        """Counts of each color among ``nsample`` items drawn without replacement from an urn
        with ``colors[i]`` items of color ``i``; the output shape is ``size + (len(colors),)``."""
        colors, nsample = _as_jax(colors), _as_jax(nsample)
        if colors.ndim != 1:
            raise MathError(
                f"random.multivariate_hypergeometric: colors must be 1-D, got shape {colors.shape}."
            )
        _check("multivariate_hypergeometric", "colors", colors, lambda v: v >= 0, ">= 0")
        _check("multivariate_hypergeometric", "nsample", nsample, lambda v: v >= 0, ">= 0")
        _check_order("multivariate_hypergeometric", ("nsample", "sum(colors)"), nsample,
                     jnp.sum(colors), strict=False)
        shape = _shape("multivariate_hypergeometric", size, nsample)
        itype = _int_dtype()
        keys = jr.split(self._key(key), max(colors.shape[0], 1))
        left = jnp.broadcast_to(nsample, shape).astype(itype)
        rest = jnp.sum(colors).astype(itype)  # items of the colors after the current one
        counts = []
        for i in range(colors.shape[0]):
            rest = rest - colors[i]
            c = _hypergeometric(keys[i], colors[i], rest, left, shape, itype)
            counts.append(c)
            left = left - c
        return Array(jnp.stack(counts, axis=-1))

    def multinomial(self, n: ArrayLike, pvals: ArrayLike, size: _Size = None, key: _Key = None) -> Array:
        """Multinomial counts of ``n`` trials over categories with probabilities ``pvals`` (the
        last category takes the remaining probability); shape ``size + pvals.shape[-1:]``."""
        n, pvals = _as_jax(n), _as_jax(pvals)
        if pvals.ndim < 1:
            raise MathError("random.multinomial: pvals must have at least one dimension.")
        _check("multinomial", "n", n, lambda v: v >= 0, ">= 0")
        _check("multinomial", "pvals", pvals, lambda v: (v >= 0) & (v <= 1), "in [0, 1]")
        ftype = _float_dtype()
        head = jnp.sum(pvals[..., :-1], axis=-1)
        _check("multinomial", "sum(pvals[:-1])", head, lambda v: v <= 1 + 1e-6, "<= 1")
        p = pvals.astype(ftype).at[..., -1].set(jnp.clip(1.0 - head, 0.0, 1.0))
        batch = _shape("multinomial", size, n, p[..., 0])
        r = jr.multinomial(self._key(key), jnp.broadcast_to(n, batch).astype(ftype),
                           jnp.broadcast_to(p, batch + p.shape[-1:]),
                           shape=batch + p.shape[-1:], dtype=ftype)
        return Array(jnp.round(r).astype(_int_dtype()))

    def categorical(self, logits: ArrayLike, axis: int = -1, size: _Size = None, key: _Key = None) -> Array:
        """Category indices drawn with probabilities ``softmax(logits)`` along ``axis``."""
        logits = _as_jax(logits)
        if logits.ndim < 1:
            raise MathError("random.categorical: logits must have at least one dimension.")
        batch = np.delete(np.array(logits.shape), axis).tolist()
        shape = _shape("categorical", size, np.broadcast_to(0, batch))
        return Array(jr.categorical(self._key(key), logits, axis, shape))


# ----- the default state and module-level functions ---------------------------------------------

def _default() -> "RandomState":
    """The shared default state, created on first use so importing brainpy.math does not start JAX."""
    state = globals().get("DEFAULT")
    if state is None:
        # first use may happen while a function is being traced: the key must still be concrete
        # data, or the state would be taken for a variable local to that function
        with jax.ensure_compile_time_eval():
            state = RandomState()
        globals()["DEFAULT"] = state
    return state


def __getattr__(name: str) -> Any:
    if name == "DEFAULT":
        return _default()
    raise BrainPyAttributeError(f"module 'brainpy.math.random' has no attribute {name!r}")

_SAMPLERS = (
    "rand", "randint", "random_integers", "integers", "randn", "random", "random_sample",
    "ranf", "sample", "choice", "permutation", "permuted", "shuffle", "bytes", "beta",
    "exponential", "gamma", "gumbel", "laplace", "logistic", "normal", "pareto", "poisson",
    "standard_cauchy", "standard_exponential", "standard_gamma", "standard_normal",
    "standard_t", "uniform", "truncated_normal", "bernoulli", "lognormal", "binomial",
    "chisquare", "dirichlet", "geometric", "f", "hypergeometric", "multivariate_hypergeometric",
    "logseries", "multinomial", "multivariate_normal", "negative_binomial",
    "noncentral_chisquare", "noncentral_f", "power", "rayleigh", "triangular", "vonmises",
    "wald", "weibull", "weibull_min", "zipf", "maxwell", "t", "orthogonal", "loggamma",
    "categorical", "rand_like", "randn_like", "randint_like",
)


def _module_sampler(name):
    method = getattr(RandomState, name)

    @functools.wraps(method)
    def sampler(*args, **kwargs):
        return getattr(_default(), name)(*args, **kwargs)

    signature = inspect.signature(method)
    params = list(signature.parameters.values())[1:]
    sampler.__signature__ = inspect.Signature(params, return_annotation=signature.return_annotation)
    sampler.__doc__ = f"{method.__doc__}\n\nDraws with the module's default state `DEFAULT`."
    del sampler.__wrapped__
    return sampler


for _name in _SAMPLERS:
    globals()[_name] = _module_sampler(_name)
    __all__.append(_name)
del _name


# The stream of derived seeds: ``[entropy, count]``, entropy None until `seed` is called.
_SEED_STREAM: List[Any] = [None, 0]

#: Derived seeds lie in ``[0, 2**31)``: valid for NumPy, JAX and every ``seed=`` argument.
_SEED_BOUND = 2 ** 31


def next_seed() -> int:
    """The seed for an object that was given ``seed=None``: the next one of the global stream.

    Every random object of BrainPy that is not given a seed (a `RandomState`, `DEFAULT` itself, a
    connector of ``brainpy.connect``, an initializer of ``brainpy.initialize``, an input group,
    a noise model) takes its seed from here when it is made, so one seed fixes a whole script:

    * after ``bm.random.seed(s)`` the seeds are a fixed sequence determined by ``s`` alone: the
      k-th call after the seed returns the same integer in every process, whatever else (NumPy
      included) draws in between;
    * before any ``bm.random.seed`` call they are drawn from NumPy's global generator, as
      BrainPy 2.1 drew them, so ``np.random.seed(s)`` alone also makes a script repeat; with
      neither seed, NumPy's generator starts from operating-system entropy and every run differs.

    An explicit ``seed=`` argument always wins and does not advance the stream.

    Returns:
      an int in ``[0, 2**31)``.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.random.seed(42)
      >>> a = bm.random.next_seed()
      >>> bm.random.seed(42)
      >>> a == bm.random.next_seed()
      True
    """
    entropy, count = _SEED_STREAM
    if entropy is None:
        return int(np.random.randint(0, _SEED_BOUND))
    _SEED_STREAM[1] = count + 1
    state = np.random.SeedSequence(entropy, spawn_key=(count,)).generate_state(1, np.uint32)
    return int(state[0]) % _SEED_BOUND


def seed(seed: _Seed = None) -> None:
    """Reseed `DEFAULT` in place, restart the `next_seed` stream, and seed NumPy's global
    generator when ``seed`` is an int.

    Args:
      seed: an integer seed, a ``uint32[2]`` key, or ``None`` for a fresh seed from the OS.
    """
    if seed is None:
        seed = secrets.randbits(31)
    raw = _unwrap(seed)
    if isinstance(raw, (int, np.integer)) and not isinstance(raw, (bool, np.bool_)):
        key = _seed_to_key(raw)
        np.random.seed(int(raw) % 2 ** 32)
    else:
        key = _check_key(raw, "random.seed")
    _SEED_STREAM[:] = [[int(k) for k in np.asarray(key)], 0]
    state = globals().get("DEFAULT")
    if state is None:
        # made here from the key, so that seeding never draws from NumPy's generator
        with jax.ensure_compile_time_eval():
            globals()["DEFAULT"] = RandomState(key)
    else:
        state.seed(key)


def split_key() -> jax.Array:
    """Advance `DEFAULT` and return a new key."""
    return _default().split_key()


def split_keys(n: int) -> jax.Array:
    """Advance `DEFAULT` and return ``n`` new keys."""
    return _default().split_keys(n)


def default_rng(seed: _Seed = None) -> RandomState:
    """A new independent `RandomState` from an integer seed, a key, or ``None``."""
    return RandomState(seed)
