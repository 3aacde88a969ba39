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
        (errors.BrainPyValueError, ValueError),
        (errors.BrainPyTypeError, TypeError),
        (errors.BrainPyKeyError, KeyError),
        (errors.BrainPyIndexError, IndexError),
        (errors.BrainPyAttributeError, AttributeError),
        (errors.BrainPyRuntimeError, RuntimeError),
        (errors.BrainPyFileNotFoundError, FileNotFoundError),
        (errors.BrainPyTimeoutError, TimeoutError),
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



def test_errors_a_user_meets_are_brainpy_errors_and_the_builtin_of_2_1():
    """One policy: whatever a BrainPy package raises is a BrainPyError, and still the builtin."""
    import brainpy.initialize as init
    import brainpy.optimizers as optim
    from brainpy.running import Monitor

    cases = [
        (lambda: bm.random.normal(size="3"), TypeError),             # a size that is no shape
        (lambda: init.Normal(scale=-1.)((3,)), ValueError),           # a negative scale
        (lambda: bm.Variable(bm.zeros(3)).__setitem__(5, 1.), IndexError),  # writing out of range
        (lambda: Monitor(["V"])["W"], KeyError),                      # not monitored
        (lambda: optim.SGD(lr=-0.1, train_vars={}), ValueError),      # a negative learning rate
        (lambda: bm.random.no_such_draw, AttributeError),
        (lambda: bm.load("/no/such/file.npz", bm.BrainPyObject()), FileNotFoundError),
    ]
    for make, builtin in cases:
        with pytest.raises(builtin) as info:
            make()
        assert isinstance(info.value, errors.BrainPyError), (builtin, type(info.value))


def test_a_missing_key_reads_as_written():
    # KeyError alone would show repr(message): quotes and escaped newlines
    e = errors.BrainPyKeyError("Monitor: no record 'W'\nrecorded: ['V']")
    assert str(e) == "Monitor: no record 'W'\nrecorded: ['V']"


def test_one_concretization_error_which_is_jax_s_too():
    import jax

    from brainpy.math import jit as jit_module

    @bm.jit
    def sign(x):
        if x > 0:  # Python control flow on a traced value
            return x
        return -x

    with pytest.raises(errors.ConcretizationTypeError) as info:
        sign(1.)
    assert isinstance(info.value, jax.errors.ConcretizationTypeError)
    assert isinstance(info.value, errors.BrainPyError) and isinstance(info.value, TypeError)
    assert not hasattr(jit_module, "ConcretizationTypeError") or \
        jit_module.ConcretizationTypeError is errors.ConcretizationTypeError
    assert "brainpy.math.where" in str(info.value)
