"""`bp.check`: the switch of the run-time checks (BrainPy 2.1's ``brainpy/check.py``)."""

import pytest

import brainpy as bp


@pytest.fixture
def checks_restored():
    yield
    bp.check.turn_on()


def test_check_module_and_its_switch(checks_restored):
    import brainpy.check

    assert bp.check is brainpy.check
    assert set(bp.check.__all__) == {"is_checking", "turn_on", "turn_off"}
    assert bp.check.is_checking() is True  # on by default
    bp.check.turn_off()
    assert bp.check.is_checking() is False
    bp.check.turn_on()
    assert bp.check.is_checking() is True
    assert "check" in dir(bp)


def _read_traced(delay, steps):
    import brainpy.math as bm

    return bm.jit(lambda s: delay(s))(steps)


def test_turn_off_drops_the_delay_range_check(checks_restored):
    import brainpy.math as bm
    import numpy as np

    target = bm.Variable(bm.arange(3.))
    delay = bm.LengthDelay(target, 2)
    # on: a traced request beyond the stored two steps raises when the program runs
    with pytest.raises(Exception, match="delay"):
        np.asarray(_read_traced(delay, bm.asarray(5)))
    with pytest.raises(ValueError):
        delay(5)
    # off: the same requests read a slot of the ring buffer without complaint
    bp.check.turn_off()
    delay2 = bm.LengthDelay(target, 2)
    out = np.asarray(_read_traced(delay2, bm.asarray(5)))
    assert out.shape == (3,)
    assert np.asarray(delay2(5)).shape == (3,)
    # valid requests are unaffected by the switch
    np.testing.assert_array_equal(np.asarray(delay2(0)), [0., 1., 2.])
