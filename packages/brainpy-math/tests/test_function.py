"""bm.function (BrainPy 2.1): a function wrapped with the objects it uses, as a decorator or a call."""

import numpy as np
import pytest

import brainpy.math as bm


class Counter(bm.BrainPyObject):
    def __init__(self):
        super().__init__()
        self.count = bm.Variable(bm.zeros(1))


def test_decorated_function_exposes_node_variables_and_jits():
    c = Counter()

    @bm.function(nodes=c)
    def step(inc):
        c.count += inc
        return c.count.value

    assert isinstance(step, bm.BrainPyObject)
    from brainpy.base import Function  # 2.1's class of what bm.function makes

    assert isinstance(step, Function)
    assert any(v is c.count for v in step.vars().values())
    jitted = bm.jit(step)
    for _ in range(3):
        jitted(2.0)
    np.testing.assert_allclose(np.asarray(c.count), [6.0])


def test_call_form_and_errors():
    c = Counter()
    f = bm.function(lambda: c.count.value + 1, nodes=[c])
    np.testing.assert_allclose(np.asarray(f()), [1.0])
    with pytest.raises(ValueError, match="nodes"):
        bm.function(lambda: 0)
    with pytest.raises(ValueError, match="callable"):
        bm.function(3, nodes=c)
