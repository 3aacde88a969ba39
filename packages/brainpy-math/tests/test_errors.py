"""Our error classes also derive from the builtin exceptions BrainPy 2.1 raised in their place, so
``except ValueError:`` (or ``AssertionError``, ``ImportError``, ...) in a 2.1 script still catches them."""

import pytest

import brainpy.math as bm
from brainpy import errors


@pytest.mark.parametrize(
    "cls, builtin",
    [
        (errors.MathError, ValueError),
        (errors.JaxTracerError, ValueError),
        (errors.RunningError, ValueError),
        (errors.IntegratorError, ValueError),
        (errors.IntegratorError, AssertionError),
        (errors.DiffEqError, ValueError),
        (errors.CodeError, ValueError),
        (errors.AnalyzerError, ValueError),
        (errors.ModelBuildError, ValueError),
        (errors.ConnectorError, ValueError),
        (errors.ConnectorError, AssertionError),
        (errors.MonitorError, ValueError),
        (errors.SharedArgError, ValueError),
        (errors.UniqueNameError, ValueError),
        (errors.UnsupportedError, ValueError),
        (errors.PackageMissingError, ImportError),
        (errors.NoImplementationError, NotImplementedError),
    ],
)
def test_error_is_also_the_builtin(cls, builtin):
    assert issubclass(cls, errors.BrainPyError)
    with pytest.raises(builtin) as info:
        raise cls("LIF0.V: expected shape (3,), got (4,)")
    # The message is ours and unchanged by the extra base class.
    assert str(info.value) == "LIF0.V: expected shape (3,), got (4,)"


def test_a_real_shape_error_is_caught_as_value_error():
    v = bm.Variable(bm.zeros(3))
    caught = None
    try:
        v.value = bm.zeros(4)
    except ValueError as e:  # how a BrainPy 2.1 script catches it
        caught = e
    assert isinstance(caught, errors.MathError)
    assert "(3,)" in str(caught) and "(4,)" in str(caught)
    # Nothing was written.
    assert v.shape == (3,)

