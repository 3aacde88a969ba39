"""brainpy.tools: argument checks, code tools and utilities."""

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from brainpy import tools


def test_check_shape_consistency():
    fixed, free = tools.check_shape_consistency([(10, 3), (10, 5), (None, 2)], free_axes=-1)
    assert fixed == (10,) and free == [3, 5, 2]
    assert sum(free) == 10  # the spec's node customization sums the free sizes
    fixed, free = tools.check_shape_consistency([(4, 3, 2), (4, 5, 1)], free_axes=(1, 2))
    assert fixed == (4,) and free == [(3, 2), (5, 1)]
    with pytest.raises(ValueError, match="differ on axis 0"):
        tools.check_shape_consistency([(10, 3), (11, 3)], free_axes=-1)
    with pytest.raises(ValueError, match="different numbers of dimensions"):
        tools.check_shape_consistency([(10,), (10, 3)])


def test_shape_checks():
    assert tools.check_shape_broadcastable([(3, 1), (1, 4)]) == (3, 4)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        tools.check_shape_broadcastable([(3,), (4,)])
    assert tools.check_shape_except_batch((5, 3), (7, 3))
    with pytest.raises(ValueError, match="batch axis"):
        tools.check_shape_except_batch((5, 3), (5, 4))
    with pytest.raises(ValueError, match=r"LIF0.V: expected shape \(3200,\), got \(3000,\)"):
        tools.check_shape("LIF0.V", np.zeros(3000), (3200,))


def test_check_shape_of_2_1_splits_free_and_broadcast_axes():
    from brainpy.tools import checking

    shapes = [(1, 2, 3, 8), (10, 1, 4, 10), (10, 2, 4, 100)]
    # free sizes in the order of free_axes; the other axes broadcast (1 against 10 or 2)
    assert checking.check_shape(shapes, free_axes=[2, -1]) == ([[3, 8], [4, 10], [4, 100]], [10, 2])
    assert checking.check_shape(shapes, free_axes=(-1, 2)) == ([[8, 3], [10, 4], [100, 4]], [10, 2])
    # shorter shapes are padded with 1 in front; one int gives one size per shape
    assert checking.check_shape({"a": (1, 2, 3), "b": (1, 4), "c": (10, 2, 4)}) == ([3, 4, 4], [10, 2])
    with pytest.raises(ValueError, match=r"axis 2 \(sizes \[3, 4\]\)"):
        checking.check_shape(shapes, free_axes=[0, -1])
    with pytest.raises(ValueError, match="out of range"):
        checking.check_shape(shapes, free_axes=4)
    with pytest.raises(ValueError, match="non-empty sequence or dict"):
        checking.check_shape([], free_axes=-1)


def test_scalar_checks():
    assert tools.check_float(1, "tau", min_bound=0.0) == 1
    with pytest.raises(ValueError, match="tau: must be >= 0.0, got -1.0"):
        tools.check_float(-1.0, "tau", min_bound=0.0)
    with pytest.raises(TypeError, match="num: expected an integer, got float"):
        tools.check_integer(1.5, "num")
    with pytest.raises(TypeError, match="flag"):
        tools.check_integer(True, "flag")
    with pytest.raises(ValueError, match=r"method: expected one of \['a', 'b'\], got 'c'"):
        tools.check_string("c", "method", candidates=["a", "b"])
    assert tools.check_float(None, allow_none=True) is None
    with pytest.raises(TypeError, match=r"inputs\['x'\]: expected int"):
        tools.check_dict_data({"x": 1.0}, str, int, name="inputs")
    with pytest.raises(TypeError, match="expected a callable"):
        tools.check_callable(3, "f")
    assert tools.serialize_kwargs({"b": 1, "a": "x"}) == "a='x',b=1"


def test_code_tools():
    assert tools.get_identifiers("V + bm.exp(-x) * 2") == {"V", "bm.exp", "x"}
    assert tools.word_replace("x + x2 * x", {"x": "y"}) == "y + x2 * y"
    assert tools.indent("a\nb", 1) == "    a\n    b"
    assert tools.deindent("    a\n      b") == "a\n  b"
    f = tools.code_lines_to_func(["return a * k"], "scale", ["a"], {"k": 3})
    assert f["func"](2) == 6 and f["code"].startswith("def scale(a):")
    assert tools.is_lambda_function(lambda x: x) and not tools.is_lambda_function(test_code_tools)

    def g(x, y):
        z = x + y
        return z

    assert tools.get_main_code(g).split() == ["z", "=", "x", "+", "y", "return", "z"]


def test_others():
    assert tools.to_size(5) == (5,) and tools.to_size([2, 3]) == (2, 3) and tools.size2num((2, 3)) == 6
    with pytest.raises(TypeError):
        tools.to_size("5")
    d = tools.DotDict(a=1, b={"c": 2})
    assert d.a == 1 and d.b.c == 2
    d.e = 5
    assert d["e"] == 5
    with pytest.raises(AttributeError, match="no key 'zz'"):
        d.zz
    assert tools.replicate(1, 3) == (1, 1, 1)
    with pytest.raises(ValueError, match="expected 3 elements"):
        tools.replicate([1, 2], 3)

    @tools.timeout(0.2)
    def slow():
        time.sleep(2)

    with pytest.raises(TimeoutError):
        slow()
    assert tools.timeout(1.0)(lambda: 7)() == 7


def test_numba_jit_compiles():
    @tools.numba_jit
    def add(a, b):
        return a + b

    assert add(2, 3) == 5


def test_check_error_in_jit():
    def err(x):
        raise ValueError(f"bad value {x}")

    @jax.jit
    def f(x):
        tools.check_error_in_jit(x < 0, err, x)
        return x * 2

    assert float(f(jnp.float32(1.0))) == 2.0
    with pytest.raises(Exception, match="bad value"):
        jax.block_until_ready(f(jnp.float32(-1.0)))


def test_check_shape_consistency_with_format_flag_returns_the_2_1_pair():
    """The documented node customisation unpacks exactly two values when the third argument is True."""
    unique_size, free_sizes = tools.check_shape_consistency([(1, 1), (1, 2), (1, 3)], -1, True)
    assert unique_size == (1,) and free_sizes == (1, 2, 3)
    unique_size, free_sizes = tools.check_shape_consistency([(4, 3, 2), (4, 5, 1)], (1, 2), True)
    assert unique_size == (4,) and free_sizes == ((3, 2), (5, 1))
