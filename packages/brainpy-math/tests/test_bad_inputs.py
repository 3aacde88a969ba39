"""Bad inputs are clear errors (issue 17 items 7 and 8): the shared checks of
`brainpy.tools.checking`, out-of-range class labels, out-of-bounds writes to arrays, updates of
plain arrays inside transformations, and damaged .npz/.mat files."""

import os
import warnings
import zipfile

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainpy.losses as losses
import brainpy.math as bm
from brainpy.errors import MathError
from brainpy.tools import checking


# ---------------------------------------------------------------------------------------------
# shared checks
# ---------------------------------------------------------------------------------------------


class _Owner:
    name = "E"


def test_check_positive_scalars_arrays_and_skipped_values():
    assert checking.check_positive(2., "tau") == 2.
    with pytest.raises(ValueError, match=r"^LIF0: tau must be a finite number > 0 \(a time constant\), got 0.0\.$"):
        checking.check_time_constants("LIF0", tau=0.)
    with pytest.raises(ValueError, match=r"E \(_Owner\): tau must be .* got -1"):
        checking.check_time_constants(_Owner(), tau=-1)
    with pytest.raises(ValueError, match=r"got nan"):
        checking.check_positive(float("nan"), "tau")
    with pytest.raises(ValueError, match=r"in every element; 2 of its 4 elements are not, e.g. tau\[0, 1\] = 0.0"):
        checking.check_positive(np.array([[1., 0.], [-1., 2.]]), "tau")
    with pytest.raises(ValueError, match=r"tau\[1\] = -2.0"):
        checking.check_positive(bm.Variable(jnp.array([1., -2.])), "tau")
    checking.check_positive(0., "tau_ref", allow_zero=True)
    # values not known yet are not checked: initializers, functions, None, traced values
    checking.check_time_constants("x", tau=lambda shape: -1., tau2=None)
    assert float(jax.jit(lambda t: checking.check_positive(t, "tau"))(-1.)) == -1.


def test_check_positive_uses_the_given_error_class():
    with pytest.raises(MathError):
        checking.check_positive(-1., "w", error=MathError)


def test_warn_nan_names_the_array():
    with pytest.warns(RuntimeWarning, match=r"NaN in X \(1 of 4 values, e.g. at index \(1, 0\)\)"):
        assert checking.warn_nan(np.array([[0., 1.], [np.nan, 2.]]), "X")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not checking.warn_nan(np.ones(3), "X")
        assert not checking.warn_nan(np.arange(3), "labels")  # integers hold no NaN
    assert checking.concrete_numpy(lambda: 0) is None


# ---------------------------------------------------------------------------------------------
# class labels of the cross-entropy losses
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("labels, bad", [([0, 1, 5], "5"), ([0, -1, 2], "-1"), ([0., 4., 1.], "4")])
def test_out_of_range_labels_raise(labels, bad):
    logits = bm.ones((3, 4))
    with pytest.raises(ValueError, match=rf"cross_entropy_loss: class-index targets must be in \[0, 4\).*got {bad}"):
        losses.cross_entropy_loss(logits, bm.array(labels))
    with pytest.raises(ValueError, match="nll_loss: class-index targets"):
        losses.nll_loss(logits, jnp.asarray(labels))
    with pytest.raises(ValueError, match="cross_entropy_sparse"):
        losses.cross_entropy_sparse(logits, np.asarray(labels))


def test_fractional_labels_raise_and_valid_or_traced_labels_work():
    logits = jnp.zeros((2, 3))
    with pytest.raises(ValueError, match="whole numbers, got 1.5"):
        losses.cross_entropy_loss(logits, jnp.array([0., 1.5]))
    assert float(losses.cross_entropy_loss(logits, jnp.array([0, 2]))) == pytest.approx(np.log(3), rel=1e-5)
    # traced labels are not checked (jit, grad)
    jax.jit(losses.cross_entropy_loss)(logits, jnp.array([0, 2]))
    g = jax.grad(lambda x: losses.cross_entropy_loss(x, jnp.array([0, 2])))(logits)
    assert g.shape == (2, 3)


# ---------------------------------------------------------------------------------------------
# out-of-bounds writes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index, message", [
    (5, r"index 5 is out of bounds for axis 0 with size 5"),
    (-6, r"index -6 is out of bounds for axis 0 with size 5"),
    (np.int64(7), r"index 7 is out of bounds"),
    ([0, 9], r"index 9 is out of bounds"),
    (np.array([1, 5]), r"index 5 is out of bounds"),
])
def test_eager_out_of_bounds_writes_raise_index_error(index, message):
    a = bm.zeros(5)
    with pytest.raises(IndexError, match=r"Array of shape \(5,\): " + message):
        a[index] = 1.
    np.testing.assert_array_equal(np.asarray(a.value), np.zeros(5))  # nothing written


def test_out_of_bounds_on_a_later_axis_and_variables():
    b = bm.Variable(jnp.zeros((3, 4)))
    with pytest.raises(IndexError, match=r"Variable of shape \(3, 4\): index 4 is out of bounds for axis 1 with size 4"):
        b[1, 4] = 1.
    with pytest.raises(IndexError, match="axis 1"):
        b[:, -5] = 1.
    with pytest.raises(IndexError, match="out of bounds"):
        bm.VariableView(b, 3)
    view = bm.VariableView(b, 1)
    with pytest.raises(IndexError, match=r"VariableView of shape \(4,\): index 4"):
        view[4] = 1.


def test_in_bounds_and_unchecked_writes_behave_as_before():
    a = bm.zeros((3, 4))
    a[-1, 3] = 1.
    a[1:10] = 2.  # slices are clipped, as in NumPy
    a[..., 0] = 3.
    a[None, 0] = 4.
    a[jnp.array([0, 2])] += 1.
    expected = np.zeros((3, 4))
    expected[-1, 3] = 1.
    expected[1:] = 2.
    expected[..., 0] = 3.
    expected[0] = 4.
    expected[[0, 2]] += 1.
    np.testing.assert_array_equal(np.asarray(a.value), expected)
    # inside a compiled function indices may be traced: JAX's behaviour is kept (the write is dropped)
    v = bm.Variable(jnp.zeros(3))

    @bm.jit
    def f(i):
        v[i] = 1.

    f(7)
    np.testing.assert_array_equal(np.asarray(v.value), np.zeros(3))


# ---------------------------------------------------------------------------------------------
# plain arrays updated inside transformations
# ---------------------------------------------------------------------------------------------


def test_updating_an_outside_array_explains_variables_and_leaves_it_unchanged():
    outside = bm.zeros(3)

    @bm.jit
    def f(x):
        outside[0] = x
        return x

    with pytest.raises(MathError, match=r"not a brainpy.math.Variable.*Only Variables carry.*Declare it as a Variable"):
        f(1.)
    assert not isinstance(outside.value, jax.core.Tracer)
    np.testing.assert_array_equal(np.asarray(outside.value), np.zeros(3))
    with pytest.raises(MathError, match="was created outside"):
        bm.vmap(lambda x: outside.update(jnp.ones(3) * x))(jnp.ones(2))
    assert not isinstance(outside.value, jax.core.Tracer)


def test_arrays_made_inside_eager_transformations_can_be_updated():
    def loss(w):
        a = bm.zeros(3)  # made while the function runs: concrete under eager grad and vmap
        a[0] = w
        return a.sum().value

    assert float(bm.grad(loss)(1.)) == 1.
    assert float(bm.jit(bm.grad(loss))(1.)) == 1.

    def body(x):
        a = bm.zeros(3)
        a[0] = x
        return a

    np.testing.assert_array_equal(np.asarray(bm.vmap(body)(bm.ones(2))), [[1, 0, 0], [1, 0, 0]])


# ---------------------------------------------------------------------------------------------
# damaged .npz and .mat files
# ---------------------------------------------------------------------------------------------


def _saved(tmp_path, ext):
    path = tmp_path / f"good{ext}"
    bm.save(path, {"a": np.arange(100.), "b": np.zeros((3, 4), np.float32)})
    return path


@pytest.mark.parametrize("ext", [".npz", ".mat"])
def test_empty_truncated_and_garbage_files_name_the_file_and_the_problem(tmp_path, ext):
    raw = _saved(tmp_path, ext).read_bytes()
    cases = {
        "empty": (b"", r"it is empty, 0 bytes"),
        "truncated": (raw[: len(raw) // 2],
                      r"zip archive cut short" if ext == ".npz" else r"not a complete MATLAB .mat file"),
        "garbage": (b"not a file of this format\n" * 20,
                    r"not a zip archive: it starts with b'not a fi'" if ext == ".npz"
                    else r"not a readable MATLAB .mat file"),
    }
    for kind, (data, message) in cases.items():
        path = tmp_path / f"{kind}{ext}"
        path.write_bytes(data)
        with pytest.raises(MathError, match=message) as info:
            bm.load(path)
        text = str(info.value)
        assert str(path) in text
        assert "allow_pickle" not in text


def test_npz_members_that_are_not_arrays_or_hold_objects(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(MathError, match=r'its array "a" holds Python objects') as info:
        bm.load(path)
    assert "allow_pickle" not in str(info.value)
    path = tmp_path / "member.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.npy", b"not an array")
    with pytest.raises(MathError, match=r'its member "a" is not a .npy array'):
        bm.load(path)
    path = tmp_path / "single.npz"
    with open(path, "wb") as fh:
        np.save(fh, np.ones(3))
    with pytest.raises(MathError, match="a single .npy array, not a .npz archive"):
        bm.load(path)
    assert os.path.exists(path)
