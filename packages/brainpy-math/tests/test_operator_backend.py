"""bm.operator_backend() and `python -m brainpy.math.plugins`: which operator backend runs, and why.

Each test builds the brainpylib it needs (a stand-in module, or none at all) so that the report is
checked against a known situation whether or not the real brainpylib is installed.
"""

import sys
import types
import warnings

import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.math as bm
from brainpy.math.operators import backend
from brainpy.math.plugins.__main__ import main


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.delenv(backend.DISABLE_ENV, raising=False)
    backend._import_brainpylib.cache_clear()
    yield monkeypatch
    backend._import_brainpylib.cache_clear()


def _fake(monkeypatch, **attrs):
    module = types.ModuleType("brainpylib")
    module.__file__ = "/somewhere/brainpylib/__init__.py"
    module.__version__ = "0.1.3"
    module.KERNEL_API = backend.KERNEL_API
    module.event_csr_sum = lambda events, indices, indptr, values, post_num: jnp.full(post_num, 7.)
    module.kernel_platforms = lambda function: ("cpu",)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, "brainpylib", module)
    return module


def _record(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_report_with_kernels(fresh):
    _fake(fresh, has_gpu_kernels=lambda: False)
    report, caught = _record(bm.operator_backend)
    assert caught == []
    assert report.name == "brainpylib" and report.reason is None
    assert report.brainpylib_version == "0.1.3"
    assert report.brainpylib_location == "/somewhere/brainpylib"
    assert report.kernels == {"pre2post_event_sum": "event_csr_sum"}
    assert "syn2post_sum" in report.pure_jax and "pre2post_event_sum" not in report.pure_jax
    assert report.gpu_kernels is False
    text = str(report)
    assert "operator backend: brainpylib" in text and "brainpylib.event_csr_sum" in text


def test_report_when_disabled(fresh):
    _fake(fresh)
    fresh.setenv(backend.DISABLE_ENV, "on")
    report = bm.operator_backend()
    assert report.name == "jax" and report.kernels == {}
    assert backend.DISABLE_ENV in report.reason
    assert set(report.pure_jax) == set(backend.KERNEL_NAMES)


def test_report_when_not_installed(fresh):
    fresh.delitem(sys.modules, "brainpylib", raising=False)
    fresh.setattr(backend.importlib.util, "find_spec",
                  lambda name, *a: None if name == "brainpylib" else backend.importlib.util.find_spec(name, *a))
    report, caught = _record(bm.operator_backend)
    assert caught == []  # nothing installed: nothing to warn about
    assert report.name == "jax" and report.reason == "brainpylib is not installed"
    assert report.brainpylib_version is None
    assert "to get the compiled kernels" in str(report)


def test_broken_brainpylib_warns_once_naming_it(fresh):
    fresh.setitem(sys.modules, "brainpylib", None)  # importing it raises ImportError
    report, caught = _record(bm.operator_backend)
    assert report.name == "jax" and "fails to import" in report.reason
    assert len(caught) == 1 and "brainpylib" in caught[0] and "fails to import" in caught[0]
    assert "pip install --force-reinstall --no-deps ./packages/brainpylib" in caught[0]
    # once per process: neither the operators nor a second report warn again
    _, again = _record(lambda: (bm.operator_backend(), backend.get_brainpylib()))
    assert again == []


def test_unrelated_brainpylib_is_not_used(fresh):
    module = _fake(fresh, __version__="0.1.8")
    del module.KERNEL_API  # what the unrelated project of the same name looks like
    module.event_csr_sum = lambda *a, **k: pytest.fail("the unrelated brainpylib must not be called")
    (kernel, report), caught = _record(lambda: (backend.brainpylib_kernel("pre2post_event_sum"),
                                                bm.operator_backend()))
    assert kernel is None and report.name == "jax"
    assert "0.1.8" in report.reason and "KERNEL_API" in report.reason
    assert len(caught) == 1 and "0.1.8" in caught[0]


def test_brainpylib_without_compiled_kernels(fresh):
    _fake(fresh, has_cpu_kernels=lambda: False,
          kernel_import_error=lambda: "No module named 'brainpylib._cpu_kernels'")
    report, caught = _record(bm.operator_backend)
    assert report.name == "jax" and "without its compiled kernels" in report.reason
    assert len(caught) == 1 and "C++17 compiler" in caught[0]
    # the operators still compute, on pure JAX (not the stand-in's 7s)
    out = bm.pre2post_event_sum(np.array([True, False]), (np.array([0, 1], np.int32),
                                                          np.array([0, 1, 2], np.int32)), 2, 1.)
    np.testing.assert_array_equal(np.asarray(out.value if isinstance(out, bm.Array) else out), [1., 0.])


def test_command_line(fresh, capsys):
    _fake(fresh)
    assert main(["backend"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("operator backend: brainpylib") and "provided by" not in out
    assert main(["initializers"]) == 0
    out = capsys.readouterr().out
    rows = out.splitlines()[1:]
    assert rows and all(row.startswith("initializers ") for row in rows)
    assert "operator backend" not in out
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "provided by" in out and "operator backend: brainpylib" in out
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0 and "backend" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["nonsense"])
    assert exc.value.code == 2 and "invalid choice: 'nonsense'" in capsys.readouterr().err


def _dispatched_programs():
    """A program per operator that calls a brainpylib kernel on the CPU: (name, function, operands).

    Not ``pre2post_event_sum_into``: its kernel updates a buffer in place, which a per-platform
    conditional would copy, so it is called directly whenever JAX's default backend is the CPU.
    """
    import jax

    ids, indptr = jnp.array([0, 1, 1, 2], jnp.int32), jnp.array([0, 2, 4], jnp.int32)
    f32 = lambda *shape: jax.ShapeDtypeStruct(shape, jnp.float32)  # noqa: E731
    spikes = jax.ShapeDtypeStruct((2,), jnp.bool_)
    return [
        ("pre2post_event_sum", lambda e, v: bm.pre2post_event_sum(e, (ids, indptr), 3, v).value, (spikes, f32(4))),
        ("pre2post_event_prod", lambda e, v: bm.pre2post_event_prod(e, (ids, indptr), 3, v).value, (spikes, f32(4))),
        ("syn2post_sum", lambda v: bm.syn2post_sum(v, ids, 3).value, (f32(4),)),
        ("syn2post_prod", lambda v: bm.syn2post_prod(v, ids, 3).value, (f32(4),)),
        ("csr_matvec", lambda v, x: bm.csr_matvec(v, ids, indptr, x, shape=(2, 3)).value, (f32(4), f32(3))),
        ("event_csr_matvec", lambda v, e: bm.event_csr_matvec(v, ids, indptr, e, shape=(2, 3),
                                                              transpose=True).value, (f32(4), spikes)),
        ("event_matvec_prob_conn_homo_weight",
         lambda e: bm.event_matvec_prob_conn_homo_weight(e, 0.5, conn_prob=0.3, shape=(4, 2), seed=3).value,
         (spikes,)),
    ]


@pytest.mark.skipif(backend.get_brainpylib() is None, reason="brainpylib's CPU kernels are not installed")
@pytest.mark.parametrize("name, function, operands", _dispatched_programs(), ids=lambda x: x if isinstance(x, str) else "")
def test_a_program_for_the_gpu_calls_no_cpu_only_kernel(name, function, operands):
    """Each operator picks brainpylib's kernel per platform when the program is lowered: the CPU
    program calls the kernel, the one exported for CUDA (without brainpylib CUDA targets) holds the
    pure-JAX operator (issue 18, item 3)."""
    import jax
    from jax import export

    assert "brainpylib" in jax.jit(function).lower(*operands).as_text()
    if not backend.get_brainpylib().has_gpu_kernels():
        cuda = export.export(jax.jit(function), platforms=["cuda"])(*operands).mlir_module()
        assert "brainpylib" not in cuda and "custom_call" not in cuda


def test_a_many_projection_kernel_call_and_its_fallback_hold_one_uint16_copy_of_the_indices():
    # brainpylib's kernel reads the indices of a connection onto <= 65,535 targets as uint16; the
    # fallback converts that same array in the program, so no int32 copy of them is a constant
    import re

    import jax
    import jax.numpy as jnp
    import numpy as np

    from brainpy.math.operators.backend import pure_operators
    from brainpy.math.operators.pre_syn_post import pre2post_event_adds, pre2post_event_sums

    if backend.brainpylib_kernel("pre2post_event_adds") is None or not hasattr(backend.get_brainpylib(),
                                                                               "narrowed_indices"):
        pytest.skip("needs brainpylib's CPU kernels and its narrowed_indices")
    rng = np.random.default_rng(3)
    pre, post, fan = 1200, 900, 40
    indptr = (np.arange(pre + 1) * fan).astype(np.int32)
    indices = rng.integers(0, post, pre * fan).astype(np.int32)
    indices[:2] = [post, post + 5]  # out of range: skipped by the kernel and by the fallback
    events = rng.random(pre) < 0.2
    events[0] = True
    adds = lambda e, g: pre2post_event_adds([(e, (indices, indptr), 0.25, g), (e, (indices, indptr), 0.5, g)])  # noqa
    sums = lambda e: pre2post_event_sums([(e, (indices, indptr), post, 0.25), (e, (indices, indptr), post, 0.5)])  # noqa
    base = jnp.ones(post, jnp.float32)
    for f, args in ((adds, (events, base)), (sums, (events,))):
        text = jax.jit(f).lower(*args).as_text()
        assert not re.findall(rf"stablehlo\.constant dense<[^>]*> : tensor<{indices.size}xi32>", text)
        assert len(re.findall(rf"stablehlo\.constant dense<[^>]*> : tensor<{indices.size}xui16>", text)) == 1
    rows = np.repeat(np.arange(pre), fan)
    hit = events[rows] & (indices < post)
    want = np.bincount(indices[hit], minlength=post)
    for scale, got in zip((0.25, 0.5), jax.jit(adds)(events, base)):
        np.testing.assert_allclose(np.asarray(got), 1 + scale * want, rtol=1e-6)
    for scale, got in zip((0.25, 0.5), jax.jit(sums)(events)):
        np.testing.assert_allclose(np.asarray(got), scale * want, rtol=1e-6)
    with pure_operators():  # the fallback, as a platform without the kernel runs it
        for scale, got in zip((0.25, 0.5), jax.jit(adds)(events, base)):
            np.testing.assert_allclose(np.asarray(got), 1 + scale * want, rtol=1e-6)
        for scale, got in zip((0.25, 0.5), jax.jit(sums)(events)):
            np.testing.assert_allclose(np.asarray(got), scale * want, rtol=1e-6)


def test_the_fallback_of_a_many_projection_kernel_call_holds_no_constant_of_row_ids():
    # the pure-JAX branch beside the kernel (for platforms without it) expands its row ids in the
    # program: a constant of one id per synapse would be held by every compiled program
    import re

    import jax
    import jax.numpy as jnp
    import numpy as np

    from brainpy.math.operators.pre_syn_post import pre2post_event_adds, pre2post_event_sums

    if backend.brainpylib_kernel("pre2post_event_adds") is None or backend.brainpylib_kernel(
            "pre2post_event_sums") is None:
        pytest.skip("needs brainpylib's CPU kernels: without them there is no fallback beside a kernel")
    rng = np.random.default_rng(0)
    pre, post, fan = 2000, 1500, 50
    indptr = (np.arange(pre + 1) * fan).astype(np.int32)
    indices = rng.integers(0, post, pre * fan).astype(np.int32)
    events = rng.random(pre) < 0.1
    adds = jax.jit(lambda e, g: pre2post_event_adds([(e, (indices, indptr), 0.5, g)])[0])
    sums = jax.jit(lambda e: pre2post_event_sums([(e, (indices, indptr), post, 0.5)])[0])
    for f, args in ((adds, (events, jnp.zeros(post, jnp.float32))), (sums, (events,))):
        text = f.lower(*args).as_text()
        constants = re.findall(rf"stablehlo\.constant dense<[^>]*> : tensor<{indices.size}xi32>", text)
        assert len(constants) <= 1, "a constant of row ids"  # the indices of the fallback, nothing more
    want = 0.5 * np.bincount(indices[(np.flatnonzero(events)[:, None] * fan + np.arange(fan)).ravel()],
                             minlength=post)
    np.testing.assert_allclose(np.asarray(adds(events, jnp.zeros(post, jnp.float32))), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(sums(events)), want, rtol=1e-6)
    # the fallback itself, as a platform without the kernel runs it
    from brainpy.math.operators.backend import pure_operators

    with pure_operators():
        np.testing.assert_allclose(np.asarray(jax.jit(lambda e, g: pre2post_event_adds(
            [(e, (indices, indptr), 0.5, g)])[0])(events, jnp.zeros(post, jnp.float32))), want, rtol=1e-6)
