"""Small utilities: sizes, dot-access dictionaries, timeouts, progress bars, numba helpers."""

import functools
import threading
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, Tuple, TypeVar, Union, cast, overload

import numpy as np
from brainpy.errors import BrainPyAttributeError, BrainPyTimeoutError, BrainPyTypeError, BrainPyValueError

_R = TypeVar("_R")

__all__ = [
    "size2num",
    "to_size",
    "DotDict",
    "timeout",
    "init_progress_bar",
    "numba_jit",
    "numba_seed",
    "replicate",
    "not_customized",
    "is_subclass",
    "name_listing",
]


@overload
def to_size(x: None) -> None: ...


@overload
def to_size(x: Union[int, Sequence[int]]) -> Tuple[int, ...]: ...


def to_size(x: Union[int, Sequence[int], None]) -> Optional[Tuple[int, ...]]:
    """A geometry as a tuple of ints (``10 -> (10,)``); None stays None."""
    if x is None:
        return None
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        if x < 0:
            raise BrainPyValueError(f"to_size: a size must be non-negative, got {x}.")
        return (int(x),)
    if isinstance(x, (tuple, list)):
        out = tuple(int(v) for v in x)
        if any(v < 0 for v in out) or any(int(v) != v for v in x):
            raise BrainPyValueError(f"to_size: sizes must be non-negative integers, got {x!r}.")
        return out
    raise BrainPyTypeError(f"to_size: expected an int or a sequence of ints, got {type(x).__name__} {x!r}.")


def size2num(size: Union[int, Sequence[int]]) -> int:
    """The number of elements of a geometry (``(10, 20) -> 200``)."""
    return int(np.prod(to_size(size), dtype=np.int64))


class DotDict(dict):
    """A dict whose items are also attributes (``d.a`` is ``d['a']``); nested dicts convert too."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for k, v in list(self.items()):
            if isinstance(v, dict) and not isinstance(v, DotDict):
                dict.__setitem__(self, k, DotDict(v))

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise BrainPyAttributeError(f"DotDict has no key {key!r}; keys are {list(self)}.") from None

    def __setattr__(self, key, value):
        self[key] = value

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError:
            raise BrainPyAttributeError(key) from None

    def copy(self) -> "DotDict":
        return DotDict(self)

    def to_dict(self) -> Dict[Any, Any]:
        return {k: (v.to_dict() if isinstance(v, DotDict) else v) for k, v in self.items()}


def timeout(s: float) -> Callable[[Callable[..., _R]], Callable[..., _R]]:
    """Decorator: raise `TimeoutError` if the call takes longer than ``s`` seconds.

    The call runs in a worker thread; on timeout the worker is abandoned (Python cannot kill
    threads), so use it for calls that are safe to leave running.
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            result, error = [], []

            def target():
                try:
                    result.append(func(*args, **kwargs))
                except BaseException as e:  # re-raised in the caller
                    error.append(e)

            worker = threading.Thread(target=target, daemon=True)
            worker.start()
            worker.join(s)
            if worker.is_alive():
                raise BrainPyTimeoutError(f"{getattr(func, '__name__', func)!s} did not finish within {s} s.")
            if error:
                raise error[0]
            return result[0]

        return wrapper

    return decorator


def init_progress_bar(total: int, desc: Optional[str] = None, **kwargs: Any) -> Any:
    """A tqdm progress bar of ``total`` steps."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, **kwargs)


def numba_jit(f: Callable = None, **kwargs: Any) -> Callable[..., Any]:
    """``numba.njit`` (as decorator with or without options); plain Python if numba is missing."""
    try:
        import numba
    except ImportError:
        return f if f is not None else (lambda g: g)
    if f is None:
        return lambda g: numba.njit(g, **kwargs)
    return numba.njit(f, **kwargs)


def numba_seed(seed: int) -> None:
    """Seed NumPy's global generator inside numba-compiled code (and outside)."""
    np.random.seed(seed)
    try:
        import numba
    except ImportError:
        return

    @numba.njit
    def _seed(s):
        np.random.seed(s)

    _seed(seed)


def replicate(element: Any, num_replicate: int, name: str = "value") -> tuple:
    """``element`` repeated ``num_replicate`` times, or a sequence of that length checked."""
    if isinstance(element, (list, tuple)):
        if len(element) != num_replicate:
            raise BrainPyValueError(f"{name}: expected {num_replicate} elements, got {len(element)}.")
        return tuple(element)
    return (element,) * num_replicate


def not_customized(fun: Callable) -> Callable:
    """Mark a method as the default, not-overridden implementation (checked by `is_customized`)."""
    cast(Any, fun).not_customized = True
    return fun


def is_subclass(cls: Any, bases: Union[type, Tuple[type, ...]]) -> bool:
    """Like `issubclass`, but False (instead of an error) when ``cls`` is not a class."""
    return isinstance(cls, type) and issubclass(cls, bases)


def name_listing(names: Iterable[Any], limit: int = 40) -> str:
    """``names`` as a readable comma-separated list of their reprs, cut after ``limit`` entries.

    Examples:
      >>> from brainpy.tools import name_listing
      >>> name_listing(["rk4", "euler", "heun"], limit=2)
      "'rk4', 'euler', ... (1 more)"
    """
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")
