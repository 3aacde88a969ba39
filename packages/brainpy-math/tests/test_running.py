"""brainpy.running: Monitor parsing, the Runner base (path resolution, errors), shared args, pools."""

import inspect
import operator

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.errors import MonitorError, RunningError
from brainpy.running import Monitor, Runner, SharedArgs, call_with_shared, process_pool, process_pool_lock
from brainpy.running.runner import shared_arg_style


class Leaf(bm.BrainPyObject):
    def __init__(self, n, name=None):
        super().__init__(name=name)
        self.V = bm.Variable(jnp.arange(n, dtype=jnp.float32))
        self.M = bm.Variable(jnp.arange(6, dtype=jnp.float32).reshape(2, 3))
        self.gNa = 120.


class Tree(bm.BrainPyObject):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a = Leaf(3, name="LeafA")
        self.b = Leaf(4, name="LeafB")


@pytest.fixture(autouse=True)
def _names():
    bm.clear_name_cache(ignore_warn=True)
    yield
    bm.clear_name_cache(ignore_warn=True)


def test_monitor_forms_and_keys():
    v = bm.Variable(jnp.zeros(3))
    assert Monitor(["V", ("spike", [1, 2])]).keys() == ["V", "spike"]
    assert Monitor("V").keys() == ["V"]
    assert Monitor(("spike", [1, 2])).keys() == ["spike"]
    mon = Monitor({"V": None, "spike": [1, 2, 3], "mine": v})
    assert mon.keys() == ["V", "spike", "mine"]
    assert mon.items[2].target is v
    np.testing.assert_array_equal(mon.items[1].indices, [1, 2, 3])
    assert Monitor([("x", v, [0])]).items[0].indices.tolist() == [0]


def test_monitor_errors_and_access():
    with pytest.raises(MonitorError, match="unique"):
        Monitor(["V", "V"])
    with pytest.raises(MonitorError, match="integers"):
        Monitor({"V": [0.5, 1.5]})
    with pytest.raises(MonitorError, match="Cannot understand"):
        Monitor([3])
    with pytest.raises(MonitorError, match="list/tuple or a dict"):
        Monitor(3.0)
    with pytest.raises(MonitorError, match="positive"):
        Monitor(["V"], intervals=-1.)
    with pytest.raises(MonitorError, match="unknown keys"):
        Monitor(["V"], intervals={"W": 1.})
    with pytest.raises(MonitorError, match="2 intervals for 1"):
        Monitor(["V"], intervals=[1., 2.])
    mon = Monitor(["V", "spike"], intervals={"V": 0.5})
    assert [it.interval for it in mon.items] == [0.5, None]
    with pytest.raises(MonitorError, match="run the runner first"):
        mon["V"]
    with pytest.raises(KeyError, match="the monitors are"):
        mon["W"]
    mon["V"] = np.ones((2, 3))
    mon.ts = np.array([0., 0.1])
    assert mon.V.shape == (2, 3) and mon["ts"] is mon.ts
    with pytest.raises(AttributeError, match="no attribute or monitor 'W'"):
        mon.W
    mon.reset()
    assert mon.ts is None and "V" not in mon


def test_shared_args_and_call_styles():
    tdi = SharedArgs(t=1.5, dt=0.1, i=15)
    assert tdi.t == 1.5 and tdi["dt"] == 0.1 and tdi.i == 15
    with pytest.raises(AttributeError, match="holds"):
        tdi.x
    assert shared_arg_style(lambda t, dt: 0) == "t_dt"
    assert shared_arg_style(lambda _t, _dt: 0) == "t_dt"
    assert shared_arg_style(lambda tdi: 0) == "tdi"
    assert shared_arg_style(lambda t: 0) == "t"
    assert shared_arg_style(lambda: 0) == "none"
    assert call_with_shared(lambda t, dt: t + dt, tdi) == pytest.approx(1.6)
    assert call_with_shared(lambda tdi: tdi.i, tdi) == 15
    assert call_with_shared(lambda _t: _t * 2, tdi) == 3.0
    assert call_with_shared(lambda: 7, tdi) == 7



@pytest.mark.parametrize("fun, plain, with_inputs", [
    (lambda t, dt: 0, "t_dt", "t_dt"),
    (lambda _t, _dt: 0, "t_dt", "t_dt"),
    (lambda when, dt: 0, "t_dt", "t_dt"),           # a second parameter named dt decides
    (lambda t: 0, "t", "t"),
    (lambda t, x=None: 0, "t", "t_dt"),              # with inputs: 2.1's update(self, t, dt=...)
    (lambda t, x: 0, "t_dt", "t_dt"),
    (lambda a, b: 0, "t_dt", "tdi"),                 # with inputs: update(self, tdi, x)
    (lambda tdi: 0, "tdi", "tdi"),
    (lambda tdi, x=None: 0, "tdi", "tdi"),
    (lambda: 0, "none", "none"),
    (lambda *args: 0, "tdi", "tdi"),
    (lambda **kw: 0, "none", "none"),
])
def test_one_rule_for_shared_arguments(fun, plain, with_inputs):
    assert shared_arg_style(fun) == plain
    assert shared_arg_style(fun, takes_inputs=True) == with_inputs

    # the method form skips ``self``
    def method(self, *args, **kwargs):
        return fun(*args, **kwargs)

    method.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + list(inspect.signature(fun).parameters.values()))
    assert shared_arg_style(method, takes_inputs=True, method=True) == with_inputs

def test_runner_resolves_relative_then_absolute_paths():
    tree = Tree()
    runner = Runner(tree, monitors=["a.V", "LeafB.V", ("b.M", [0, 5])], progress_bar=False)
    resolved = {k: (v, idx) for k, v, idx, _ in runner._mon_vars}
    assert resolved["a.V"][0] is tree.a.V
    assert resolved["LeafB.V"][0] is tree.b.V
    assert resolved["b.M"][0] is tree.b.M
    record = runner.build_monitors()
    out = record(SharedArgs(t=0., dt=0.1, i=0))
    np.testing.assert_array_equal(out["b.M"], [0., 5.])  # indices into the flattened matrix
    np.testing.assert_array_equal(out["a.V"], [0., 1., 2.])
    # the runner compiles every Variable of the target
    assert {id(v) for v in runner.dyn_vars.values()} >= {id(tree.a.V), id(tree.b.M)}


def test_runner_errors():
    tree = Tree()
    with pytest.raises(RunningError, match="cannot find the monitor target 'Z.V'"):
        Runner(tree, monitors=["Z.V"])
    with pytest.raises(RunningError, match="'a.gNa' .* is a float, not a brainpy.math.Variable"):
        Runner(tree, monitors=["a.gNa"])
    with pytest.raises(RunningError, match="BrainPyObject"):
        Runner(object(), monitors=["V"])
    with pytest.raises(RunningError, match="out of range"):
        Runner(tree, monitors=[("a.V", [3])])
    with pytest.raises(RunningError, match="fun_monitors must be a dict"):
        Runner(tree, fun_monitors=[lambda t, dt: t])
    with pytest.raises(RunningError, match="duplicates"):
        Runner(tree, monitors=["a.V"], fun_monitors={"a.V": lambda t, dt: t})
    with pytest.raises(RunningError, match="dyn_vars must hold"):
        Runner(tree, dyn_vars={"x": 3.0})
    with pytest.raises(NotImplementedError):
        Runner(tree).run(1.)


def test_unknown_monitor_lists_variable_paths_and_suggests():
    tree = Tree()
    tree.shared = tree.a  # a second path to LeafA: its Variables are listed once, under 'a.'
    runner = Runner(tree, progress_bar=False)
    assert runner.variable_paths() == ["a.M", "a.V", "b.M", "b.V"]
    with pytest.raises(RunningError) as info:
        Runner(tree, monitors=["a.v"])
    message = str(info.value)
    assert "cannot find the monitor target 'a.v' in Tree 'Tree0'." in message
    assert "Did you mean 'a.V' or 'b.V' or 'a.M'?" in message  # case-insensitive: 'a.V' first
    assert "The Variables of the target are ['a.M', 'a.V', 'b.M', 'b.V']" in message
    assert "like 'LeafA.V'" in message
    # a path starting with a node name gets absolute suggestions
    with pytest.raises(RunningError, match=r"Did you mean 'LeafB\.M' or 'LeafB\.V' or 'LeafA\.M'\?"):
        Runner(tree, monitors=["LeafB.MM"])
    # nothing close: no suggestion, still the listing
    with pytest.raises(RunningError) as info:
        Runner(tree, monitors=["zzz"])
    assert "Did you mean" not in str(info.value) and "['a.M', 'a.V', 'b.M', 'b.V']" in str(info.value)
    # a node instead of a Variable: its own Variables are listed
    with pytest.raises(RunningError, match=r"'b' .* is a Leaf, not a brainpy.math.Variable.*Its Variables: \['b\.M', 'b\.V'\]"):
        Runner(tree, monitors=["b"])


def test_runner_fun_monitors_and_dyn_vars():
    tree = Tree()
    extra = bm.Variable(jnp.ones(2))
    runner = Runner(tree, fun_monitors={"sum": lambda t, dt: tree.a.V.value.sum() + t,
                                        "i": lambda tdi: tdi.i}, dyn_vars=[extra])
    out = runner.build_monitors()(SharedArgs(t=1., dt=0.1, i=4))
    assert float(out["sum"]) == pytest.approx(4.0)
    assert int(out["i"]) == 4
    assert any(v is extra for v in runner.dyn_vars.values())


def test_process_pool_runs_every_parameter_set():
    assert process_pool(operator.add, [(1, 2), (3, 4), [5, 6]], num_process=2) == [3, 7, 11]
    out = process_pool_lock(dict, [{"x": 1}, {"x": 2}], num_process=2)
    assert [o["x"] for o in out] == [1, 2]
    assert all("lock" in o for o in out)
    with pytest.raises(ValueError, match="positive integer"):
        process_pool(operator.add, [(1, 2)], num_process=0)
    with pytest.raises(TypeError, match=r"all_params\[0\]"):
        process_pool(operator.add, [3], num_process=1)
