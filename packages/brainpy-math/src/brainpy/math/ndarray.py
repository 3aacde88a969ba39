"""NumPy-like arrays with in-place updates (`Array`) and the dynamical `Variable` types.

`Array` wraps one JAX array.  Its arithmetic returns new `Array` objects, while item assignment
and augmented assignment replace the wrapped value in place, so the Python object keeps its
identity.  A `Variable` is an `Array` whose value may change during an object-oriented JAX
transformation: the transformations in `brainpy.math` discover the variables a function reads
and writes through the variable stack defined here and thread their values through the compiled
program.
"""

# The NumPy methods of `Array` are declared by signatures whose bodies never run (`_jax_method`).
# mypy: disable-error-code="empty-body"

import functools
import itertools
import operator
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import register_pytree_node_class

from brainpy.errors import BrainPyIndexError, MathError
from brainpy.tools.sizes import check_array_size

__all__ = [
    "Array",
    "JaxArray",
    "ndarray",
    "Variable",
    "TrainVar",
    "Parameter",
    "VariableView",
    "VariableStack",
    "as_jax",
    "as_numpy",
    "as_variable",
]


def unwrap(obj: Any) -> Any:
    """The JAX data of a BrainPy `Array` (also of those inside tuples and lists); anything else is
    returned unchanged.

    Unlike `as_jax`, it converts nothing: NumPy arrays, numbers and tracers pass through.  It is
    the public name for the other BrainPy distributions; ``bm.unwrap`` stays NumPy's phase
    unwrapping, so import it from this module.

    Examples:
      >>> import brainpy.math as bm
      >>> from brainpy.math.ndarray import unwrap
      >>> type(unwrap(bm.zeros(2))).__name__, unwrap(3.0)
      ('ArrayImpl', 3.0)
    """
    if isinstance(obj, Array):
        return obj.value
    if isinstance(obj, tuple):
        return tuple(unwrap(o) for o in obj)
    if isinstance(obj, list):
        return [unwrap(o) for o in obj]
    return obj


_unwrap = unwrap  # the name used inside brainpy.math


def _check_index(index):
    """NumPy indexing semantics: a list of integers is an index array, a tuple a multi-axis index."""
    if isinstance(index, list):
        return jnp.asarray(_unwrap(index))
    return _unwrap(index)


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_bounds(owner, shape, index):
    """Raise NumPy's IndexError for a concrete integer index outside ``shape``.

    JAX drops out-of-bounds writes silently; NumPy raises.  Only concrete indices are checked,
    cheaply: Python/NumPy integers, lists and NumPy arrays of integers, and tuples of these and
    slices.  Anything else (traced indices, ``...``, ``None``, boolean masks, JAX arrays) is
    left to JAX.
    """
    items = index if type(index) is tuple else (index,)
    axis = 0
    for item in items:
        if isinstance(item, slice):
            axis += 1
            continue
        if axis >= len(shape):
            return  # too many indices: JAX raises its own error
        size = shape[axis]
        if _is_int(item):
            low = high = int(item)
        elif isinstance(item, np.ndarray) and item.dtype.kind in "iu" and item.size:
            low, high = int(item.min()), int(item.max())
        elif isinstance(item, list) and item and all(_is_int(i) for i in item):
            low, high = int(min(item)), int(max(item))
        else:
            return
        for i in (low, high):
            if not -size <= i < size:
                raise BrainPyIndexError(f"{owner} of shape {tuple(shape)}: index {i} is out of bounds for axis "
                                        f"{axis} with size {size}.")
        axis += 1


# Arrays are numbered in order of creation (`Array._birth`); a transformation records the next
# number when it starts (`VariableStack._start`), so an Array made before it is told apart from
# one made inside the function it transforms.
_births = itertools.count()


class VariableStack:
    """Records the variables read or written while a function is traced.

    Transformations open a stack (``with VariableStack() as stack:``), run the function once
    abstractly, and then know which variables the function depends on.  Stacks nest: a variable
    touched inside an inner transformation is also recorded by every enclosing one.
    """

    _active: list = []

    def __init__(self):
        self._vars = {}

    def add(self, var: "Array") -> None:
        self._vars.setdefault(id(var), var)

    def __enter__(self):
        self._start = next(_births)
        VariableStack._active.append(self)
        return self

    def __exit__(self, *exc):
        VariableStack._active.remove(self)
        return False

    def __iter__(self):
        return iter(self._vars.values())

    def __len__(self):
        return len(self._vars)

    def __contains__(self, var):
        return id(var) in self._vars

    def variables(self) -> List["Array"]:
        return list(self._vars.values())

    @classmethod
    def record(cls, var: "Array") -> None:
        for stack in cls._active:
            stack.add(var)


_INPLACE_BINARY: Dict[str, Callable[..., Any]] = {
    "__iadd__": operator.add,
    "__isub__": operator.sub,
    "__imul__": operator.mul,
    "__itruediv__": operator.truediv,
    "__ifloordiv__": operator.floordiv,
    "__imod__": operator.mod,
    "__ipow__": operator.pow,
    "__imatmul__": operator.matmul,
    "__iand__": operator.and_,
    "__ior__": operator.or_,
    "__ixor__": operator.xor,
    "__ilshift__": operator.lshift,
    "__irshift__": operator.rshift,
}

_BINARY: Dict[str, Callable[..., Any]] = {
    "__add__": operator.add,
    "__sub__": operator.sub,
    "__mul__": operator.mul,
    "__truediv__": operator.truediv,
    "__floordiv__": operator.floordiv,
    "__mod__": operator.mod,
    "__pow__": operator.pow,
    "__matmul__": operator.matmul,
    "__and__": operator.and_,
    "__or__": operator.or_,
    "__xor__": operator.xor,
    "__lshift__": operator.lshift,
    "__rshift__": operator.rshift,
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
    "__eq__": operator.eq,
    "__ne__": operator.ne,
    "__divmod__": divmod,
}

_UNARY: Dict[str, Callable[..., Any]] = {
    "__neg__": operator.neg,
    "__pos__": operator.pos,
    "__abs__": operator.abs,
    "__invert__": operator.invert,
}

def _wrap(value):
    if isinstance(value, (jax.Array, np.ndarray)) or _is_tracer(value):
        return Array(value)
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    return value


def _is_tracer(value):
    return isinstance(value, jax.core.Tracer)


_Method = TypeVar("_Method", bound=Callable[..., Any])

# An axis argument of the NumPy methods: one axis, several, or None for all of them.
_Axis = Optional[Union[int, Sequence[int]]]


def _jax_method(signature: _Method) -> _Method:
    """An `Array` method forwarded to the method of the same name of the wrapped JAX array.

    ``signature`` only declares the parameters and the return type (its body never runs): the
    arguments are passed on as given, with `Array` arguments unwrapped, and the JAX arrays
    returned are wrapped again as `Array`.
    """
    name = signature.__name__

    @functools.wraps(signature)
    def method(self, *args, **kwargs):
        args = [_unwrap(a) for a in args]
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        return _wrap(getattr(self.value, name)(*args, **kwargs))

    method.__doc__ = f"Same as ``numpy.ndarray.{name}``, returning an `Array`."
    return method  # type: ignore[return-value]  # same parameters as ``signature``


@register_pytree_node_class
class Array:
    """A NumPy-like array backed by JAX, supporting in-place updates.

    Args:
      value: array-like data (a NumPy or JAX array, a Python scalar or sequence, or an `Array`).
      dtype: optional data type to convert ``value`` to.

    Examples:
      >>> import brainpy.math as bm
      >>> a = bm.Array([1., 2., 3.])
      >>> a[0] += 5
      >>> a
      Array(value=[6., 2., 3.], dtype=float32)
    """

    __slots__ = ("_value", "_birth")
    is_brainpy_array = True
    _value: Any  # the wrapped data: a JAX array or tracer (any leaf a pytree may hold after unflattening)

    def __init__(self, value: "ArrayLike", dtype: Any = None):
        self._birth = next(_births)
        if isinstance(value, Array):
            value = value.value
        elif isinstance(value, (list, tuple)):
            value = jnp.asarray(_unwrap(value))
        elif isinstance(value, np.ndarray) or np.isscalar(value):
            value = jnp.asarray(value)
        if dtype is not None:
            value = jnp.asarray(value, dtype=dtype)
        self._value = value

    # ----- the wrapped value -----
    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._set_value(value, context="value")

    def update(self, value: "ArrayLike") -> None:
        """Replace the data in place, checking that shape and dtype are unchanged."""
        self._set_value(value, context="update")

    def _set_value(self, value, context):
        if isinstance(value, Array):
            value = value.value
        elif not hasattr(value, "shape"):
            value = jnp.asarray(value)
        self._check_assignment(value)
        if (VariableStack._active and _is_tracer(value) and not _is_tracer(self._value)
                and not isinstance(self, Variable)
                and getattr(self, "_birth", -1) < VariableStack._active[-1]._start):
            # Made before the transformation started (an Array made inside a compiled function
            # holds a tracer; one made inside an eagerly traced function, e.g. under grad or
            # vmap, is newer than the transformation): only Variables carry updates out of it.
            how = "with .update()" if context == "update" else "by assignment or an in-place operation"
            raise MathError(
                f"{type(self).__name__} of shape {tuple(self._value.shape)} was created outside the "
                f"transformed function (brainpy.math.jit, grad, vmap, for_loop...) and is not a "
                f"brainpy.math.Variable, so it cannot be updated inside it ({how}).  Only Variables "
                f"carry the values set inside a compiled function out of it; any other array would be "
                f"left holding a tracer, so this one is left unchanged.  Declare it as a Variable, "
                f"e.g. self.x = brainpy.math.Variable(...), or list it in dyn_vars."
            )
        self._value = value

    def _check_assignment(self, value):
        old = self._value
        if tuple(old.shape) != tuple(value.shape):
            raise MathError(
                f"The shape of the original data is {tuple(old.shape)}, while we got "
                f"{tuple(value.shape)} with batch_axis={getattr(self, 'batch_axis', None)}."
            )
        if _canonical(old.dtype) != _canonical(value.dtype):
            raise MathError(
                f"The dtype of the original data is {old.dtype}, while we got {value.dtype}."
            )

    # ----- array attributes -----
    @property
    def dtype(self):
        return self.value.dtype

    @property
    def shape(self):
        return tuple(self.value.shape)

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    @property
    def T(self):
        return Array(self.value.T)

    @property
    def real(self):
        return Array(self.value.real)

    @property
    def imag(self):
        return Array(self.value.imag)

    @property
    def at(self):
        return self.value.at

    def __len__(self):
        return len(self.value)

    def __iter__(self):
        for i in range(len(self)):
            yield _wrap(self.value[i])

    # ----- conversions -----
    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(self.value)
        return arr.astype(dtype) if dtype is not None else arr

    def __jax_array__(self):
        return self.value

    def numpy(self, dtype: Any = None) -> np.ndarray:
        """Return the data as a NumPy array."""
        return np.asarray(self.value, dtype=dtype)

    def to_numpy(self, dtype: Any = None) -> np.ndarray:
        return self.numpy(dtype)

    def to_jax(self, dtype: Any = None) -> jax.Array:
        return self.value if dtype is None else jnp.asarray(self.value, dtype)

    def tolist(self) -> Any:
        return self.numpy().tolist()

    def item(self, *args: Union[int, Tuple[int, ...]]) -> Union[bool, int, float, complex]:
        return self.value.item(*args)

    def astype(self, dtype: Any) -> "Array":
        return Array(self.value.astype(dtype))

    def copy(self) -> "Array":
        return Array(jnp.array(self.value, copy=True))

    def view(self, *args: Any, dtype: Any = None) -> "Array":
        if dtype is not None or (len(args) == 1 and not isinstance(args[0], (int, tuple))):
            return Array(self.value.view(dtype if dtype is not None else args[0]))
        return Array(self.value.reshape(*args))

    def __bool__(self):
        return bool(self.value)

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    def __complex__(self):
        return complex(self.value)

    def __index__(self):
        return operator.index(self.value)

    def __format__(self, spec):
        if self.ndim == 0:
            return format(self.value.item(), spec)
        return format(str(self), spec)

    # ----- indexing -----
    def __getitem__(self, index):
        return _wrap(self.value[_check_index(index)])

    def __setitem__(self, index, value):
        value = _unwrap(value)
        current = self.value
        if not _is_tracer(current):  # eager: out-of-bounds writes raise as in NumPy
            _check_bounds(type(self).__name__, current.shape, index)
        new = current.at[_check_index(index)].set(value)
        self._assign_inplace(new)

    def _assign_inplace(self, new):
        """In-place replacement that keeps the dtype of the stored data."""
        old = self.value
        if new.dtype != old.dtype:
            new = new.astype(old.dtype)
        self.value = new

    # ----- representation -----
    def __repr__(self):
        value = self.value
        name = type(self).__name__
        if _is_tracer(value):
            return f"{name}(value={value!r})"
        body = np.array2string(np.asarray(value), separator=", ", prefix=f"{name}(value=")
        return f"{name}(value={body}, dtype={value.dtype})"

    def __str__(self):
        if _is_tracer(self.value):
            return str(self.value)
        return str(np.asarray(self.value))

    __hash__: Any = None

    # ----- pytree protocol -----
    def tree_flatten(self) -> Tuple[Tuple[Any], Any]:
        return (self.value,), None

    @classmethod
    def tree_unflatten(cls, aux_data: Any, flat_contents: Sequence[Any]) -> "Array":
        return cls(*flat_contents)

    # ----- NumPy methods with keyword conveniences -----
    def fill(self, value: "ArrayLike") -> None:
        self.value = jnp.full_like(self.value, value)  # type: ignore[arg-type]  # an Array is a JAX array-like

    def sort_(self, axis: Optional[int] = -1) -> None:
        self.value = jnp.sort(self.value, axis=axis)

    def expand_dims(self, axis: Union[int, Sequence[int]]) -> "Array":
        return Array(jnp.expand_dims(self.value, axis))

    def expand_as(self, array: "ArrayLike") -> "Array":
        return Array(jnp.broadcast_to(self.value, jnp.shape(_unwrap(array))))

    def split(self, indices_or_sections: Union[int, Sequence[int], jax.Array, np.ndarray],
              axis: int = 0) -> List["Array"]:
        return [Array(a) for a in jnp.split(self.value, indices_or_sections, axis=axis)]

    def cumsum_(self, axis: Optional[int] = None) -> None:
        self.value = jnp.cumsum(self.value, axis=axis)

    def block_until_ready(self) -> "Array":
        self.value.block_until_ready()
        return self

    @property
    def device(self):
        value = self.value
        return next(iter(value.devices())) if hasattr(value, "devices") else None

    # ----- NumPy methods returning arrays: forwarded to the JAX array (its signatures) -----
    @_jax_method
    def all(self, axis: _Axis = None, out: None = None, keepdims: bool = False, *,
            where: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def any(self, axis: _Axis = None, out: None = None, keepdims: bool = False, *,
            where: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def argmax(self, axis: Optional[int] = None, out: None = None, keepdims: Optional[bool] = None) -> "Array": ...

    @_jax_method
    def argmin(self, axis: Optional[int] = None, out: None = None, keepdims: Optional[bool] = None) -> "Array": ...

    @_jax_method
    def argpartition(self, kth: int, axis: int = -1) -> "Array": ...

    @_jax_method
    def argsort(self, axis: Optional[int] = -1, *, kind: None = None, order: None = None, stable: bool = True,
                descending: bool = False) -> "Array": ...

    @_jax_method
    def choose(self, choices: Sequence["ArrayLike"], out: None = None, mode: str = "raise") -> "Array": ...

    @_jax_method
    def clip(self, min: Optional["ArrayLike"] = None, max: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def compress(self, condition: "ArrayLike", axis: Optional[int] = None, *, out: None = None,
                 size: Optional[int] = None, fill_value: "ArrayLike" = 0) -> "Array": ...

    @_jax_method
    def conj(self) -> "Array": ...

    @_jax_method
    def conjugate(self) -> "Array": ...

    @_jax_method
    def cumprod(self, axis: Optional[int] = None, dtype: Any = None, out: None = None) -> "Array": ...

    @_jax_method
    def cumsum(self, axis: Optional[int] = None, dtype: Any = None, out: None = None) -> "Array": ...

    @_jax_method
    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> "Array": ...

    @_jax_method
    def dot(self, b: "ArrayLike", *, precision: Any = None, preferred_element_type: Any = None) -> "Array": ...

    @_jax_method
    def flatten(self, order: str = "C", *, out_sharding: Any = None) -> "Array": ...

    @_jax_method
    def max(self, axis: _Axis = None, out: None = None, keepdims: bool = False,
            initial: Optional["ArrayLike"] = None, where: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def mean(self, axis: _Axis = None, dtype: Any = None, out: None = None, keepdims: bool = False, *,
             where: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def min(self, axis: _Axis = None, out: None = None, keepdims: bool = False,
            initial: Optional["ArrayLike"] = None, where: Optional["ArrayLike"] = None) -> "Array": ...

    @_jax_method
    def nonzero(self, *, fill_value: Any = None, size: Optional[int] = None) -> Tuple["Array", ...]: ...

    @_jax_method
    def prod(self, axis: _Axis = None, dtype: Any = None, out: None = None, keepdims: bool = False,
             initial: Optional["ArrayLike"] = None, where: Optional["ArrayLike"] = None,
             promote_integers: bool = True) -> "Array": ...

    @_jax_method
    def ptp(self, axis: _Axis = None, out: None = None, keepdims: bool = False) -> "Array": ...

    @_jax_method
    def ravel(self, order: str = "C", *, out_sharding: Any = None) -> "Array": ...

    @_jax_method
    def repeat(self, repeats: "ArrayLike", axis: Optional[int] = None, *, total_repeat_length: Optional[int] = None,
               out_sharding: Any = None) -> "Array": ...

    @_jax_method
    def round(self, decimals: int = 0, out: None = None) -> "Array": ...

    @_jax_method
    def searchsorted(self, v: "ArrayLike", side: str = "left", sorter: Optional["ArrayLike"] = None, *,
                     method: str = "scan") -> "Array": ...

    @_jax_method
    def sort(self, axis: Optional[int] = -1, *, kind: None = None, order: None = None, stable: bool = True,
             descending: bool = False) -> "Array": ...

    @_jax_method
    def squeeze(self, axis: _Axis = None) -> "Array": ...

    @_jax_method
    def std(self, axis: _Axis = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False,
            *, where: Optional["ArrayLike"] = None, correction: Optional[Union[int, float]] = None) -> "Array": ...

    @_jax_method
    def sum(self, axis: _Axis = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            initial: Optional["ArrayLike"] = None, where: Optional["ArrayLike"] = None,
            promote_integers: bool = True) -> "Array": ...

    @_jax_method
    def swapaxes(self, axis1: int, axis2: int) -> "Array": ...

    @_jax_method
    def take(self, indices: "ArrayLike", axis: Optional[int] = None, out: None = None, mode: Optional[str] = None,
             unique_indices: bool = False, indices_are_sorted: bool = False, fill_value: Any = None) -> "Array": ...

    @_jax_method
    def trace(self, offset: "ArrayLike" = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
              out: None = None) -> "Array": ...

    @_jax_method
    def transpose(self, *axes: Optional[Union[int, Sequence[int]]]) -> "Array": ...

    @_jax_method
    def var(self, axis: _Axis = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False,
            *, where: Optional["ArrayLike"] = None, correction: Optional[Union[int, float]] = None) -> "Array": ...

    @_jax_method
    def reshape(self, *shape: Union[int, Sequence[int]], order: str = "C", out_sharding: Any = None) -> "Array": ...


def _canonical(dtype):
    return jax.dtypes.canonicalize_dtype(dtype)


def _make_binary(op):
    def method(self, other):
        return _wrap(op(self.value, _unwrap(other)))

    return method


def _make_rbinary(op):
    def method(self, other):
        return _wrap(op(_unwrap(other), self.value))

    return method


def _make_inplace(op):
    def method(self, other):
        self._assign_inplace(jnp.asarray(op(self.value, _unwrap(other))))
        return self

    return method


def _make_unary(op):
    def method(self):
        return _wrap(op(self.value))

    return method


for _name, _op in _BINARY.items():
    setattr(Array, _name, _make_binary(_op))
    if _name not in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
        setattr(Array, "__r" + _name[2:], _make_rbinary(_op))
for _name, _op in _INPLACE_BINARY.items():
    setattr(Array, _name, _make_inplace(_op))
for _name, _op in _UNARY.items():
    setattr(Array, _name, _make_unary(_op))

JaxArray = Array
ndarray = Array

ArrayLike = Union[Array, jax.Array, np.ndarray, float, int, Sequence]


@register_pytree_node_class
class Variable(Array):
    """A dynamical array whose value is carried through object-oriented transformations.

    Args:
      value_or_size: the initial data, or an integer/tuple shape to create zeros of that shape.
      dtype: optional data type.
      batch_axis: the axis holding the batch dimension, if any.  Assignments may change the size
        of this axis but not the size of any other axis.

    Raises:
      MathError: when ``.value`` or ``.update()`` is given data of another shape or dtype.
    """

    __slots__ = ("_batch_axis", "__weakref__")

    def __init__(self, value_or_size: Union[ArrayLike, int, Tuple[int, ...]], dtype: Any = None,
                 batch_axis: Optional[int] = None):
        is_size = isinstance(value_or_size, int) and not isinstance(value_or_size, bool)
        if is_size or (isinstance(value_or_size, tuple) and all(isinstance(s, int) for s in value_or_size)):
            # a size here (an int or a tuple of ints), which mypy does not narrow through is_size
            check_array_size(value_or_size, None if dtype is None else jnp.dtype(dtype),  # type: ignore[arg-type]
                             name="size", owner=type(self).__name__, error=MathError)
            value = jnp.zeros(value_or_size, dtype=dtype)
        else:
            value = value_or_size
        super().__init__(value, dtype=dtype)
        if batch_axis is not None:
            ndim = self._value.ndim
            if not -ndim <= batch_axis < ndim:
                raise MathError(
                    f"{type(self).__name__}: batch_axis={batch_axis} is out of range for data "
                    f"with {ndim} dimensions."
                )
            batch_axis = batch_axis % ndim
        self._batch_axis = batch_axis

    @property
    def batch_axis(self):
        return self._batch_axis

    @property
    def batch_size(self):
        return None if self._batch_axis is None else self._value.shape[self._batch_axis]

    @property
    def is_batched(self):
        return self._batch_axis is not None

    @property
    def value(self):
        VariableStack.record(self)
        return self._value

    @value.setter
    def value(self, value):
        VariableStack.record(self)
        self._set_value(value, context="value")

    def _check_assignment(self, value):
        old = self._value
        old_shape, new_shape = tuple(old.shape), tuple(value.shape)
        if self._batch_axis is not None and len(old_shape) == len(new_shape):
            ax = self._batch_axis
            old_shape = old_shape[:ax] + old_shape[ax + 1:]
            new_shape = new_shape[:ax] + new_shape[ax + 1:]
        if old_shape != new_shape:
            raise MathError(
                f"The shape of the original data is {tuple(old.shape)}, while we got "
                f"{tuple(value.shape)} with batch_axis={self._batch_axis}."
            )
        if _canonical(old.dtype) != _canonical(value.dtype):
            raise MathError(
                f"The dtype of the original data is {old.dtype}, while we got {value.dtype}."
            )

    __hash__ = object.__hash__

    def __eq__(self, other):
        return _wrap(operator.eq(self.value, _unwrap(other)))

    def __ne__(self, other):
        return _wrap(operator.ne(self.value, _unwrap(other)))

    def tree_flatten(self) -> Tuple[Tuple[Any], Tuple[Optional[int]]]:
        return (self._value,), (self._batch_axis,)

    @classmethod
    def tree_unflatten(cls, aux_data: Tuple[Optional[int]], flat_contents: Sequence[Any]) -> "Variable":
        obj = object.__new__(cls)
        obj._value = flat_contents[0]
        obj._batch_axis = aux_data[0]
        return obj


@register_pytree_node_class
class TrainVar(Variable):
    """A trainable `Variable`: collected by ``train_vars()`` and updated by optimizers."""

    __slots__ = ()


@register_pytree_node_class
class Parameter(Variable):
    """A `Variable` labelling a dynamically changing parameter (easy to select by type)."""

    __slots__ = ()


class VariableView(Variable):
    """A view on part of a `Variable`: reading and writing it reads and writes the original.

    Args:
      value: the viewed `Variable`.
      index: the index selecting the viewed part.
    """

    __slots__ = ("_origin", "_index")

    def __init__(self, value: Variable, index: Any):
        if not isinstance(value, Variable):
            raise MathError(f"VariableView: expected a Variable to view, got {type(value).__name__}.")
        self._origin = value
        if not _is_tracer(value._value):
            _check_bounds("VariableView of a Variable", value._value.shape, index)
        self._index = _check_index(index)
        self._batch_axis = None

    @property
    def _value(self):
        return self._origin.value[self._index]

    @_value.setter
    def _value(self, value):
        self._origin.value = self._origin.value.at[self._index].set(value)

    @property
    def value(self):
        return self._origin.value[self._index]

    @value.setter
    def value(self, value):
        value = _unwrap(value)
        if not hasattr(value, "shape"):
            value = jnp.asarray(value)
        self._check_assignment(value)
        self._origin.value = self._origin.value.at[self._index].set(value)

    def __setitem__(self, index, value):
        current = self.value
        if not _is_tracer(current):
            _check_bounds(type(self).__name__, current.shape, index)
        sub = current.at[_check_index(index)].set(_unwrap(value))
        self.value = sub.astype(self.dtype)

    def __repr__(self):
        return f"VariableView(origin={self._origin!r}, index={self._index!r})"


def as_jax(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Return ``x`` as a JAX array (unwrapping `Array`)."""
    x = _unwrap(x)
    return jnp.asarray(x, dtype=dtype)


def as_numpy(x: ArrayLike, dtype: Any = None) -> np.ndarray:
    """Return ``x`` as a NumPy array."""
    return np.asarray(_unwrap(x), dtype=dtype)


def as_variable(x: Union[ArrayLike, int, Tuple[int, ...]], dtype: Any = None) -> Variable:
    """Return ``x`` as a `Variable` (a `Variable` is returned unchanged)."""
    if isinstance(x, Variable):
        return x
    return Variable(x, dtype=dtype)
