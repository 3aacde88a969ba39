"""The NumPy-compatible function set of `brainpy.math`.

Every function here behaves as its namesake in `jax.numpy` (and so, mostly, as in NumPy), with
two differences: it accepts `Array` and `Variable` objects anywhere an array is expected
(including inside the lists and tuples given to `concatenate`, `stack`, `einsum`, ...), and it
returns array results as `Array` objects (tuples, lists and named tuples of arrays keep their
structure, with each array wrapped).  Results that are not arrays (shapes, dtypes, booleans of
`array_equal`, ...) are returned unchanged.

Most functions are generated from lists of `jax.numpy` names by `_wrap_function`; the few whose
behaviour differs are written out below: array creation from nested lists of `Array`, the
functions that NumPy runs in place (`fill_diagonal`, `place`, `put`, `put_along_axis`, and the
``at`` method of the ufuncs), which here update an `Array` in place, the functions taking Python
callables, the index helpers (`r_`, `c_`, `mgrid`, `ogrid`), and a few names that NumPy has
dropped but BrainPy programs still use (`round_`, `product`, `alltrue`, `row_stack`, ...).
"""

import builtins
import functools
import inspect
import typing
from typing import Any, Callable, Collection, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np

from brainpy.errors import MathError
from brainpy.math.ndarray import Array, ArrayLike, _unwrap
from brainpy.tools.sizes import check_array_size

# ----------------------------------------------------------------------------------------------
# names wrapped from jax.numpy, grouped as in the NumPy reference
# ----------------------------------------------------------------------------------------------

_CREATION = (
    "empty", "empty_like", "zeros", "zeros_like", "ones", "ones_like", "full", "full_like",
    "eye", "identity", "arange", "linspace", "logspace", "geomspace", "copy", "diag",
    "diagflat", "tri", "tril", "triu", "vander", "meshgrid", "indices", "frombuffer",
    "fromfile", "fromiter", "fromstring", "from_dlpack", "load", "save", "savez",
)

_MANIPULATION = (
    "reshape", "ravel", "transpose", "permute_dims", "matrix_transpose", "moveaxis", "rollaxis",
    "swapaxes", "expand_dims", "squeeze", "atleast_1d", "atleast_2d", "atleast_3d",
    "broadcast_to", "broadcast_arrays", "broadcast_shapes", "concatenate", "concat", "stack",
    "unstack", "vstack", "hstack", "dstack", "column_stack", "block", "split", "array_split",
    "hsplit", "vsplit", "dsplit", "tile", "repeat", "resize", "append", "delete", "insert",
    "trim_zeros", "flip", "fliplr", "flipud", "roll", "rot90", "pad", "astype",
)

_INDEXING = (
    "take", "take_along_axis", "choose", "compress", "extract", "select", "where", "nonzero",
    "flatnonzero", "argwhere", "diagonal", "diag_indices", "diag_indices_from", "tril_indices",
    "tril_indices_from", "triu_indices", "triu_indices_from", "mask_indices",
    "ravel_multi_index", "unravel_index", "ix_",
)

_SORTING_AND_SETS = (
    "sort", "argsort", "lexsort", "partition", "argpartition", "sort_complex", "searchsorted",
    "digitize", "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    "intersect1d", "union1d", "setdiff1d", "setxor1d", "isin",
)

_ELEMENTWISE = (
    "abs", "absolute", "fabs", "add", "subtract", "multiply", "divide", "true_divide",
    "floor_divide", "negative", "positive", "power", "pow", "float_power", "mod", "remainder",
    "fmod", "divmod", "modf", "frexp", "ldexp", "sign", "signbit", "copysign", "nextafter",
    "spacing", "heaviside", "reciprocal", "sqrt", "cbrt", "square", "exp", "exp2", "expm1",
    "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "asin", "acos", "atan", "atan2", "hypot", "sinh", "cosh",
    "tanh", "arcsinh", "arccosh", "arctanh", "asinh", "acosh", "atanh", "deg2rad", "rad2deg",
    "degrees", "radians", "floor", "ceil", "trunc", "rint", "round", "around", "clip",
    "maximum", "minimum", "fmax", "fmin", "gcd", "lcm", "conj", "conjugate", "real", "imag",
    "angle", "sinc", "i0", "nan_to_num", "interp", "unwrap",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_count", "bitwise_left_shift", "bitwise_right_shift", "invert", "left_shift",
    "right_shift", "packbits", "unpackbits",
)

_REDUCTIONS_AND_PRODUCTS = (
    "sum", "prod", "cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "nansum",
    "nanprod", "nancumsum", "nancumprod", "diff", "ediff1d", "gradient", "trapezoid",
    "dot", "vdot", "vecdot", "matvec", "vecmat", "inner", "outer", "matmul", "tensordot",
    "einsum", "einsum_path", "kron", "cross", "trace", "convolve", "correlate",
)

_POLYNOMIALS_AND_WINDOWS = (
    "poly", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint", "polyfit",
    "polyval", "roots", "bartlett", "blackman", "hamming", "hanning", "kaiser",
)

_LOGIC = (
    "all", "any", "logical_and", "logical_or", "logical_not", "logical_xor", "isclose",
    "allclose", "array_equal", "array_equiv", "isnan", "isinf", "isfinite", "isneginf",
    "isposinf", "isreal", "iscomplex", "isrealobj", "iscomplexobj", "greater", "greater_equal",
    "less", "less_equal", "equal", "not_equal",
)

_STATISTICS = (
    "mean", "median", "std", "var", "average", "percentile", "quantile", "nanmean",
    "nanmedian", "nanstd", "nanvar", "nanpercentile", "nanquantile", "min", "max", "amin",
    "amax", "nanmin", "nanmax", "ptp", "argmax", "argmin", "nanargmax", "nanargmin",
    "histogram", "histogram2d", "histogramdd", "histogram_bin_edges", "bincount", "corrcoef",
    "cov", "count_nonzero",
)

_INFORMATION = (
    "shape", "size", "ndim", "result_type", "can_cast", "promote_types", "isdtype",
    "issubdtype", "isscalar", "iterable", "finfo", "iinfo", "array_repr", "array_str",
)

# Objects re-exported unchanged: data type classes, printing options, index expressions.
_UNCHANGED = (
    "dtype", "generic", "number", "integer", "signedinteger", "unsignedinteger", "inexact",
    "floating", "complexfloating", "flexible", "character", "object_", "single", "double",
    "csingle", "cdouble", "uint", "printoptions", "get_printoptions", "set_printoptions", "s_",
    "index_exp",
)

_WRAPPED = (
    _CREATION + _MANIPULATION + _INDEXING + _SORTING_AND_SETS + _ELEMENTWISE
    + _REDUCTIONS_AND_PRODUCTS + _POLYNOMIALS_AND_WINDOWS + _LOGIC + _STATISTICS + _INFORMATION
)

_CONSTANTS = ("pi", "e", "inf", "nan", "newaxis", "euler_gamma")

_WRITTEN_HERE = (
    "array", "asarray", "asanyarray", "ascontiguousarray", "fill_diagonal", "place", "put",
    "put_along_axis", "vectorize", "piecewise", "apply_along_axis", "apply_over_axes",
    "fromfunction", "frompyfunc", "r_", "c_", "mgrid", "ogrid", "remove_diag", "clip_by_norm",
    # names dropped by NumPy 2 / jax.numpy, kept for BrainPy programs
    "round_", "product", "cumproduct", "sometrue", "alltrue", "row_stack", "in1d", "trapz",
    "fix",
)

# ----------------------------------------------------------------------------------------------
# wrapping machinery
# ----------------------------------------------------------------------------------------------


def _wrap_result(value):
    """Wrap arrays (also inside tuples, named tuples and lists) as `Array`."""
    if isinstance(value, (jax.Array, np.ndarray)):
        return Array(value)
    if isinstance(value, tuple):
        items = [_wrap_result(v) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [_wrap_result(v) for v in value]
    return value


def _unwrap_kwargs(kwargs):
    return {k: _unwrap(v) for k, v in kwargs.items()}


def _wrap_function(fun, name, namespace="jax.numpy"):
    """Make a version of ``fun`` that unwraps `Array` arguments and wraps array results.

    ``namespace`` is the JAX module of ``fun``; the wrapper belongs to the matching brainpy
    module (``jax.numpy.linalg`` gives ``brainpy.math.linalg``).
    """

    @functools.wraps(fun, updated=())
    def wrapper(*args, **kwargs):
        return _wrap_result(fun(*_unwrap(args), **_unwrap_kwargs(kwargs)))

    wrapper.__name__ = name
    wrapper.__qualname__ = name
    wrapper.__module__ = "brainpy.math" + namespace[len("jax.numpy"):]
    wrapper.__doc__ = (
        f"``{namespace}.{name}`` on brainpy arrays.\n\n"
        f"Accepts `Array`/`Variable` arguments (also inside lists and tuples) and returns array "
        f"results as `Array`; the arguments are those of ``{namespace}.{name}``."
    )
    return _with_signature(wrapper, fun)


def _check_inplace_target(fname, a):
    if not isinstance(a, (Array, np.ndarray)):
        raise MathError(
            f"{fname}: inplace=True needs a brainpy Array or a NumPy array to modify, got "
            f"{type(a).__name__}; JAX arrays are immutable, pass inplace=False to get a new array."
        )


def _write_back(a, result):
    """Store ``result`` into the array ``a`` (an `Array` or NumPy array), keeping its dtype."""
    if isinstance(a, Array):
        a.value = jnp.asarray(result, dtype=a.dtype)
    else:
        a[...] = np.asarray(result)


def _inplace_function(fun, name, doc):
    """Wrap a jax.numpy function that NumPy runs in place (it has an ``inplace`` keyword)."""

    @functools.wraps(fun, updated=())
    def wrapper(a, *args, inplace=True, **kwargs):
        if inplace:
            _check_inplace_target(name, a)
        result = fun(_unwrap(a), *_unwrap(args), inplace=False, **_unwrap_kwargs(kwargs))
        if inplace:
            _write_back(a, result)
            return None
        return Array(result)

    wrapper.__name__ = name
    wrapper.__qualname__ = name
    wrapper.__module__ = "brainpy.math"
    wrapper.__doc__ = doc
    return wrapper


def _wrap_ufunc(ufunc, name):
    """Wrap a `jax.numpy.ufunc`: the call and the ``reduce``/``accumulate``/``outer``/
    ``reduceat`` methods take and return brainpy arrays; ``at`` updates an `Array` in place."""
    wrapper = _wrap_function(ufunc, name)
    for method in ("reduce", "accumulate", "outer", "reduceat"):
        setattr(wrapper, method, _wrap_function(getattr(ufunc, method), f"{name}.{method}"))
    wrapper.at = _inplace_function(
        ufunc.at,
        f"{name}.at",
        f"Apply ``{name}`` at ``indices`` of ``a`` (unbuffered, repeated indices accumulate).\n\n"
        f"With ``inplace=True`` (default) ``a`` (an `Array` or NumPy array) is modified and "
        f"``None`` returned; with ``inplace=False`` a new `Array` is returned.",
    )
    for attr in ("nin", "nout", "nargs", "identity"):
        setattr(wrapper, attr, getattr(ufunc, attr))
    return wrapper


def _adapt_callable(fun):
    """Let a user function written for brainpy arrays run inside a jax.numpy function:
    its array arguments arrive as `Array` and its `Array` results are unwrapped."""
    if not callable(fun):
        return fun

    @functools.wraps(fun)
    def adapted(*args, **kwargs):
        return _unwrap(fun(*_wrap_result(args), **kwargs))

    return adapted


def _returns_jax_arrays(annotation):
    """Whether a return annotation of a jax.numpy function involves JAX arrays."""
    if isinstance(annotation, str):
        return "Array" in annotation
    if annotation is jax.Array:
        return True
    return builtins.any(_returns_jax_arrays(a) for a in typing.get_args(annotation))


def _with_signature(wrapper, fun):
    """Give the wrapper of ``fun`` (every `_wrap_function`: the numpy, linalg and fft wrappers) its
    signature: the parameters of ``fun`` (typed ``Any`` where JAX leaves them unannotated) and the
    result the wrapper returns: `Array` where ``fun`` returns a JAX array, ``Any`` where ``fun``
    does not say or returns arrays inside a container (wrapped there too), other results as ``fun``
    gives them.  Returns ``wrapper``."""
    try:
        signature = inspect.signature(fun)
    except (TypeError, ValueError):
        return wrapper
    params = [p if p.annotation is not p.empty else p.replace(annotation=Any) for p in signature.parameters.values()]
    returned = signature.return_annotation
    if returned is jax.Array or (isinstance(returned, str) and returned == "Array"):
        returned = Array
    elif returned is signature.empty or _returns_jax_arrays(returned):
        returned = Any
    wrapper.__signature__ = signature.replace(parameters=params, return_annotation=returned)
    return wrapper


def _make_all():
    """Wrap the listed jax.numpy names; a name the installed JAX no longer has is left out, so
    a JAX upgrade cannot break the import of brainpy.math."""
    generated = {}
    for name in _WRAPPED:
        fun = getattr(jnp, name, None)
        if isinstance(fun, jnp.ufunc):
            generated[name] = _wrap_ufunc(fun, name)
        elif fun is not None:
            generated[name] = _wrap_function(fun, name)
    for name in _UNCHANGED + _CONSTANTS:
        if hasattr(jnp, name):
            generated[name] = getattr(jnp, name)
    return generated


_GENERATED = _make_all()


# ----------------------------------------------------------------------------------------------
# creation functions whose output size comes from their arguments: checked before JAX runs them
# ----------------------------------------------------------------------------------------------


def _square(N, M=None, k=0, dtype=None, **_):
    return (N, N if M is None else M), dtype


def _arange_length(start, stop=None, step=None, dtype=None, **_):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    values = (start, stop, step)
    if not builtins.all(isinstance(v, (int, float, np.integer, np.floating)) for v in values) or step == 0:
        return None, dtype  # arrays, or an invalid call that jax.numpy reports
    if builtins.all(isinstance(v, (int, np.integer)) for v in values):
        length = -((int(start) - int(stop)) // int(step))
    else:
        length = float(np.ceil((float(stop) - float(start)) / float(step)))
        if not np.isfinite(length):
            return None, dtype
        length = int(length)
    return builtins.max(length, 0), dtype


def _spaced(start, stop, num=50, *args, dtype=None, **_):
    if np.ndim(start) or np.ndim(stop):
        return None, dtype  # the shape also depends on start and stop; jax.numpy computes it
    return num, dtype


def _full(shape, fill_value, dtype=None, **_):
    return shape, jnp.result_type(fill_value) if dtype is None else dtype


def _indices(dimensions, dtype=None, sparse=False):
    dims = tuple(dimensions)
    return (len(dims),) + dims, np.int32 if dtype is None else dtype


def _broadcast_to(array, shape, **_):
    return shape, jnp.result_type(array)


_OUTPUT_SHAPES = {
    "zeros": lambda shape, dtype=None, **_: (shape, dtype),
    "ones": lambda shape, dtype=None, **_: (shape, dtype),
    "empty": lambda shape, dtype=None, **_: (shape, dtype),
    "full": _full,
    "eye": _square,
    "tri": _square,
    "identity": lambda n, dtype=None: ((n, n), dtype),
    "arange": _arange_length,
    "linspace": _spaced,
    "logspace": _spaced,
    "geomspace": _spaced,
    "indices": _indices,
    "broadcast_to": _broadcast_to,
}


def _is_shape(shape):
    """Whether ``shape`` is a non-negative int or a sequence of them (other values are left for
    jax.numpy to reject with its own message)."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(dims, (tuple, list)):
        return False
    return builtins.all(isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)) and d >= 0
               for d in dims)


def _size_checked(name, generic, output_shape):
    """``generic`` preceded by `check_array_size` on the shape it is asked to create, so that a
    size no device can hold raises `MathError` instead of aborting the process inside XLA."""

    @functools.wraps(generic)
    def wrapper(*args, **kwargs):
        try:
            shape, dtype = output_shape(*_unwrap(args), **_unwrap_kwargs(kwargs))
        except (TypeError, ValueError):  # a call jax.numpy rejects; let it say why
            shape = dtype = None
        if shape is not None and _is_shape(shape):
            try:
                dtype = None if dtype is None else jnp.dtype(dtype)
            except TypeError:
                dtype = None
            check_array_size(shape, dtype, owner=f"brainpy.math.{name}()", error=MathError)
        return generic(*args, **kwargs)

    return wrapper


for _name, _output_shape in _OUTPUT_SHAPES.items():
    if _name in _GENERATED:
        _GENERATED[_name] = _size_checked(_name, _GENERATED[_name], _output_shape)
del _name, _output_shape

globals().update(_GENERATED)

# ----------------------------------------------------------------------------------------------
# array creation from data
# ----------------------------------------------------------------------------------------------


def asarray(a: ArrayLike, dtype: Any = None, order: Optional[str] = None, *, copy: Optional[bool] = None,
            device: Any = None) -> Array:
    """Convert ``a`` to an `Array`.

    Args:
      a: array-like data: a scalar, a (nested) list or tuple that may contain `Array` and
        `Variable` objects, a NumPy/JAX array, or an `Array`.
      dtype: the data type of the result; inferred from ``a`` when ``None``.
      order: accepted for NumPy compatibility (``None``, ``'C'``, ``'K'`` or ``'A'``).
      copy: ``True`` to always copy, ``None`` to copy only when needed.
      device: optional device or sharding for the result.

    Returns:
      A new `Array` (also when ``a`` is an `Array`: the wrapper is new, so in-place updates of
      the result do not change ``a``).

    Examples:
      >>> import brainpy.math as bm
      >>> bm.asarray([bm.ones(2), bm.zeros(2)])
      Array(value=[[1., 1.],
                   [0., 0.]], dtype=float32)
    """
    return Array(jnp.asarray(_unwrap(a), dtype=dtype, order=order, copy=copy, device=device))


def array(object: ArrayLike, dtype: Any = None, copy: bool = True, order: Optional[str] = "K",  # noqa: A002
          ndmin: int = 0, *, device: Any = None) -> Array:
    """Create an `Array` from array-like data, copying it by default.

    Args:
      object: array-like data, as for `asarray` (nested lists of `Array` are accepted).
      dtype: the data type of the result; inferred when ``None``.
      copy: whether to copy the data (default ``True``).
      order: accepted for NumPy compatibility.
      ndmin: the minimum number of dimensions of the result (ones are prepended).
      device: optional device or sharding for the result.

    Returns:
      A new `Array`.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.array([[0, 1], [2, 3]]).shape
      (2, 2)
    """
    return Array(
        jnp.array(_unwrap(object), dtype=dtype, copy=copy, order=order, ndmin=ndmin, device=device)
    )


def asanyarray(a: ArrayLike, dtype: Any = None, order: Optional[str] = None) -> Array:
    """Same as `asarray` (brainpy has a single array type)."""
    return asarray(a, dtype=dtype, order=order)


def ascontiguousarray(a: ArrayLike, dtype: Any = None) -> Array:
    """Same as `asarray` (JAX arrays are always contiguous); at least one dimension, as NumPy."""
    return Array(jnp.atleast_1d(jnp.asarray(_unwrap(a), dtype=dtype)))


# ----------------------------------------------------------------------------------------------
# functions that NumPy runs in place
# ----------------------------------------------------------------------------------------------

fill_diagonal = _inplace_function(
    jnp.fill_diagonal,
    "fill_diagonal",
    """Fill the main diagonal of ``a`` with ``val``.

    Args:
      a: an array with at least two dimensions (all of equal length beyond 2-D).
      val: the value(s) to write on the diagonal, cycled as in NumPy.
      wrap: for tall 2-D arrays, whether the diagonal restarts after ``N`` columns.
      inplace: ``True`` (default) modifies ``a`` itself, which must then be an `Array` (or a
        NumPy array), and returns ``None``; ``False`` leaves ``a`` unchanged and returns a new
        `Array`.

    Raises:
      MathError: if ``inplace=True`` and ``a`` is an immutable JAX array.

    Examples:
      >>> import brainpy.math as bm
      >>> conn = bm.ones((3, 3))
      >>> bm.fill_diagonal(conn, 0.)
      >>> conn.diagonal()
      Array(value=[0., 0., 0.], dtype=float32)
    """,
)

place = _inplace_function(
    jnp.place,
    "place",
    """Write ``vals`` (cycled) into the elements of ``arr`` where ``mask`` is true.

    Args:
      arr: the array to change.
      mask: a boolean array of the shape of ``arr``.
      vals: the values to write, repeated when fewer than the true elements of ``mask``.
      inplace: ``True`` (default) modifies ``arr`` (an `Array` or NumPy array) and returns
        ``None``; ``False`` returns a new `Array`.

    Raises:
      MathError: if ``inplace=True`` and ``arr`` is an immutable JAX array.
    """,
)

put = _inplace_function(
    jnp.put,
    "put",
    """Write ``v`` at the flat indices ``ind`` of ``a``.

    Args:
      a: the array to change.
      ind: flat indices.
      v: the values to write (cycled).
      mode: how out-of-range indices are treated: ``None`` (as JAX), ``'clip'`` or ``'wrap'``.
      inplace: ``True`` (default) modifies ``a`` (an `Array` or NumPy array) and returns
        ``None``; ``False`` returns a new `Array`.

    Raises:
      MathError: if ``inplace=True`` and ``a`` is an immutable JAX array.
    """,
)

put_along_axis = _inplace_function(
    jnp.put_along_axis,
    "put_along_axis",
    """Write ``values`` into ``arr`` at ``indices`` taken along ``axis``.

    Args:
      arr: the array to change.
      indices: indices matching ``arr`` in every dimension but ``axis``.
      values: the values to write, broadcast against ``indices``.
      axis: the axis along which ``indices`` index.
      inplace: ``True`` (default) modifies ``arr`` (an `Array` or NumPy array) and returns
        ``None``; ``False`` returns a new `Array`.
      mode: out-of-range handling, as in `jax.numpy.put_along_axis`.

    Raises:
      MathError: if ``inplace=True`` and ``arr`` is an immutable JAX array.
    """,
)

# ----------------------------------------------------------------------------------------------
# functions taking Python callables
# ----------------------------------------------------------------------------------------------


def vectorize(pyfunc: Callable[..., Any], *, excluded: Collection[Union[int, str]] = frozenset(),
              signature: Optional[str] = None) -> Callable[..., Any]:
    """Vectorize a function of scalars (or of core arrays given by ``signature``) with `vmap`.

    Args:
      pyfunc: the function; its array arguments arrive as `Array` and it may return `Array`.
      excluded: positions or names of arguments that are not vectorized.
      signature: optional generalized-ufunc signature such as ``'(n),(n)->()'``.

    Returns:
      A function taking and returning brainpy arrays.  Usable as a decorator.

    Examples:
      >>> import brainpy.math as bm
      >>> f = bm.vectorize(lambda a, b: a * b + 1)
      >>> f(bm.array([1, 5]), 3)
      Array(value=[ 4, 16], dtype=int32)
    """
    vectorized = jnp.vectorize(_adapt_callable(pyfunc), excluded=excluded, signature=signature)
    return functools.wraps(pyfunc)(_wrap_function(vectorized, getattr(pyfunc, "__name__", "f")))


def piecewise(x: ArrayLike, condlist: Union[ArrayLike, Sequence[ArrayLike]],
              funclist: Sequence[Union[ArrayLike, Callable[..., Any]]], *args: Any, **kw: Any) -> Array:
    """Evaluate a piecewise-defined function.

    Args:
      x: the input array.
      condlist: boolean arrays (or one array) selecting where each piece applies.
      funclist: one entry per condition (plus an optional default): a constant or a function
        ``f(x, *args, **kw)`` receiving the selected values as an `Array`.
      *args: extra positional arguments for the functions.
      **kw: extra keyword arguments for the functions.

    Returns:
      An `Array` of the shape of ``x``.
    """
    funclist = [_adapt_callable(f) for f in funclist]
    # `Array` constants reach jax.numpy through their __jax_array__, which its types do not list
    return Array(jnp.piecewise(_unwrap(x), _unwrap(condlist), funclist, *args, **kw))  # type: ignore[arg-type]


def apply_along_axis(func1d: Callable[..., Any], axis: int, arr: ArrayLike, *args: Any, **kwargs: Any) -> Array:
    """Apply ``func1d`` to the 1-D slices of ``arr`` along ``axis`` (the slices arrive as
    `Array`); returns an `Array`."""
    result = jnp.apply_along_axis(_adapt_callable(func1d), axis, _unwrap(arr), *args, **kwargs)
    return Array(result)


def apply_over_axes(func: Callable[..., Any], a: ArrayLike, axes: Union[int, Sequence[int]]) -> Array:
    """Apply ``func(a, axis)`` repeatedly over ``axes`` (one axis or several), keeping dimensions
    as NumPy does; returns an `Array`."""
    if isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    return Array(jnp.apply_over_axes(_adapt_callable(func), _unwrap(a), axes))


def fromfunction(function: Callable[..., Any], shape: Sequence[int], *, dtype: Any = float, **kwargs: Any) -> Array:
    """Build an `Array` whose element at each index ``(i, j, ...)`` is
    ``function(i, j, ...)``, the index grids being passed as `Array`."""
    return Array(jnp.fromfunction(_adapt_callable(function), shape, dtype=dtype, **kwargs))


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> Callable[..., Any]:
    """Make a ufunc (with ``reduce``, ``accumulate``, ``outer``, ``reduceat`` and ``at``) from
    a scalar function of ``nin`` arguments and ``nout`` results."""
    ufunc = jnp.frompyfunc(_adapt_callable(func), nin, nout, identity=identity)
    return _wrap_ufunc(ufunc, getattr(func, "__name__", "ufunc"))


# ----------------------------------------------------------------------------------------------
# index helpers
# ----------------------------------------------------------------------------------------------


class _IndexHelper:
    """An index-notation constructor (``r_``, ``c_``, ``mgrid``, ``ogrid``) on brainpy arrays."""

    def __init__(self, helper, name):
        self._helper = helper
        self._name = name

    def __getitem__(self, key):
        return _wrap_result(self._helper[_unwrap(key)])

    def __repr__(self):
        return f"brainpy.math.{self._name}"


r_ = _IndexHelper(jnp.r_, "r_")
c_ = _IndexHelper(jnp.c_, "c_")
mgrid = _IndexHelper(jnp.mgrid, "mgrid")
ogrid = _IndexHelper(jnp.ogrid, "ogrid")

# ----------------------------------------------------------------------------------------------
# brainpy additions
# ----------------------------------------------------------------------------------------------


def remove_diag(arr: ArrayLike) -> Array:
    """Remove the diagonal of a 2-D array with at least as many columns as rows.

    Args:
      arr: an array of shape ``(n, m)`` with ``n <= m``.

    Returns:
      An `Array` of shape ``(n, m - 1)``: row ``i`` without its element ``i``.

    Raises:
      ValueError: if ``arr`` is not 2-D or has more rows than columns.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.remove_diag(bm.arange(9).reshape(3, 3))
      Array(value=[[1, 2],
                   [3, 5],
                   [6, 7]], dtype=int32)
    """
    value = _unwrap(arr)
    if jnp.ndim(value) != 2:
        raise MathError(f"remove_diag: expected a 2-D array, got shape {jnp.shape(value)}.")
    n, m = jnp.shape(value)
    if n > m:
        raise MathError(
            f"remove_diag: expected no more rows than columns, got shape {(n, m)}."
        )
    columns = np.array([[j for j in range(m) if j != i] for i in range(n)], dtype=np.int32)
    return Array(jnp.asarray(value)[np.arange(n)[:, None], columns.reshape(n, m - 1)])


def clip_by_norm(t: Any, clip_norm: float, axis: Optional[Union[int, Sequence[int]]] = None) -> Any:
    """Rescale each array in ``t`` so that its L2 norm is at most ``clip_norm``.

    Every leaf is clipped on its own: ``x * clip_norm / max(||x||, clip_norm)``, the norm being
    taken over ``axis`` (all elements when ``None``).

    Args:
      t: an array or a pytree (dict, list, ...) of arrays, for example gradients.
      clip_norm: the largest norm allowed (a positive number).
      axis: the axes over which norms are computed; ``None`` for the whole array.

    Returns:
      The same structure with each array clipped, as `Array`.

    Examples:
      >>> import brainpy.math as bm
      >>> bm.clip_by_norm(bm.array([3., 4.]), 1.)
      Array(value=[0.6, 0.8], dtype=float32)
    """

    def clip(leaf):
        x = _unwrap(leaf)
        norm = jnp.sqrt(jnp.sum(x * x, axis=axis, keepdims=True))
        return Array(x * clip_norm / jnp.maximum(norm, clip_norm))

    return jax.tree_util.tree_map(clip, t, is_leaf=lambda x: isinstance(x, Array))


def round_(a: ArrayLike, decimals: int = 0) -> Array:
    """Old NumPy name of `round`."""
    return Array(jnp.round(_unwrap(a), decimals))


def product(a: ArrayLike, axis: Optional[Union[int, Sequence[int]]] = None, dtype: Any = None, keepdims: bool = False,
            **kwargs: Any) -> Array:
    """Old NumPy name of `prod`."""
    return Array(jnp.prod(_unwrap(a), axis=axis, dtype=dtype, keepdims=keepdims, **kwargs))


def cumproduct(a: ArrayLike, axis: Optional[int] = None, dtype: Any = None) -> Array:
    """Old NumPy name of `cumprod`."""
    return Array(jnp.cumprod(_unwrap(a), axis=axis, dtype=dtype))


def sometrue(a: ArrayLike, axis: Optional[Union[int, Sequence[int]]] = None, keepdims: bool = False) -> Array:
    """Old NumPy name of `any`."""
    return Array(jnp.any(_unwrap(a), axis=axis, keepdims=keepdims))


def alltrue(a: ArrayLike, axis: Optional[Union[int, Sequence[int]]] = None, keepdims: bool = False) -> Array:
    """Old NumPy name of `all`."""
    return Array(jnp.all(_unwrap(a), axis=axis, keepdims=keepdims))


def row_stack(tup: Sequence[ArrayLike], dtype: Any = None) -> Array:
    """Old NumPy name of `vstack`."""
    return Array(jnp.vstack(_unwrap(tup), dtype=dtype))


def in1d(ar1: ArrayLike, ar2: ArrayLike, assume_unique: bool = False, invert: bool = False) -> Array:
    """Old NumPy form of `isin` for the flattened ``ar1``: a 1-D boolean `Array`."""
    elements = jnp.asarray(_unwrap(ar2))
    return Array(
        jnp.isin(jnp.ravel(_unwrap(ar1)), elements, assume_unique=assume_unique, invert=invert)
    )


def trapz(y: ArrayLike, x: Optional[ArrayLike] = None, dx: float = 1.0, axis: int = -1) -> Array:
    """Old NumPy name of `trapezoid` (integration by the trapezoidal rule)."""
    return Array(jnp.trapezoid(_unwrap(y), _unwrap(x), dx=dx, axis=axis))


def fix(x: ArrayLike) -> Array:
    """Round to the nearest integer towards zero, keeping the floating dtype (as `trunc`)."""
    return Array(jnp.trunc(_unwrap(x)))


__all__ = builtins.sorted(set(_GENERATED) | set(_WRITTEN_HERE))
