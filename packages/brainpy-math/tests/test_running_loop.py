"""brainpy.running.loop: the loop strategies and chunk records every runner is built on (issue 18, item 5)."""

import numpy as np
import pytest

import brainpy.math as bm
from brainpy.running.loop import (ChunkLoop, ChunkRecords, CompiledLoop, SteppedLoop, is_iterator,
                                  pack_booleans)


def _counter():
    """A stateful step: x accumulates the input; records x and whether x crossed thresholds."""
    x = bm.Variable(bm.zeros(20))

    def step(t, i, xs):
        x.value = x.value + xs["inp"] * (1 + bm.arange(20))
        return {"x": x.value, "over": x.value > 10., "t": t}

    return x, step


def _run(loop_cls, jit, packed_out=None):
    x, step = _counter()
    packed = {} if packed_out is None else packed_out
    loop = loop_cls(jit=jit)
    make = (lambda p: pack_booleans(step, packed) if p else step)
    ts = bm.arange(6).value * 0.5
    idx = bm.arange(6).value
    xs = {"inp": np.full(6, 0.75, np.float32)}
    return loop.run(make, [x], ts, idx, xs, None, 1)


@pytest.mark.parametrize("loop_cls, jit", [(CompiledLoop, True), (CompiledLoop, False), (SteppedLoop, True),
                                           (SteppedLoop, False)])
def test_every_strategy_records_the_same_steps(loop_cls, jit):
    packed = {}
    out = _run(loop_cls, jit, packed)
    expected_x = np.cumsum(np.full((6, 1), 0.75), axis=0) * (1 + np.arange(20))
    np.testing.assert_allclose(out["x"], expected_x, rtol=1e-6)
    np.testing.assert_allclose(out["t"], np.arange(6) * 0.5)
    records = ChunkRecords(6, {"x": 1, "over": 2, "t": 1}, packed)
    records.add(0, 6, out, np.arange(6) * 0.5)
    over = records.arrays()["over"]
    # packed eight to a byte by the compiled loop, unpacked by the records; every second step kept
    assert ("over" in packed) == (loop_cls is CompiledLoop)
    np.testing.assert_array_equal(over, (expected_x > 10.)[::2])


def test_records_of_several_chunks_and_events_match_one_chunk():
    out = _run(CompiledLoop, True, packed := {})
    ts = np.arange(6) * 0.5
    whole = ChunkRecords(6, {}, packed)
    whole.add(0, 6, out, ts)
    parts = ChunkRecords(6, {}, packed, events=["over"])
    for s, e in [(0, 2), (2, 5), (5, 6)]:
        parts.add(s, e, {k: v[s:e] for k, v in out.items()}, ts[s:e])
    dense, events = whole.arrays(), parts.arrays()
    np.testing.assert_array_equal(events["x"], dense["x"])
    rows, cols = np.nonzero(dense["over"])
    np.testing.assert_array_equal(events["over"].indices, cols)
    np.testing.assert_allclose(events["over"].times, ts[rows])


def test_only_the_stepped_loop_takes_iterators_and_the_base_is_abstract():
    assert SteppedLoop.accepts_iterators and not CompiledLoop.accepts_iterators
    assert is_iterator(iter([1])) and not is_iterator(np.ones(2))
    x, step = _counter()
    values = iter([0.5, 1.0, 2.0])
    out = SteppedLoop(jit=True).run(lambda p: step, [x], bm.arange(3).value * 1., bm.arange(3).value,
                                    {"inp": values}, None, 1)
    np.testing.assert_allclose(out["x"][:, 0], [0.5, 1.5, 3.5])
    with pytest.raises(TypeError, match="abstract"):
        ChunkLoop()


def _run_chunks_of_seven_steps(chunk, events, **kwargs):
    """The counter run for 7 steps (indices 10..16) in chunks of ``chunk`` through `run_chunks`,
    each chunk's ``("add", start, end, steps)`` appended to ``events``; its records."""
    from brainpy.running.loop import run_chunks

    class Sink(ChunkRecords):
        def add(self, s, e, out, ts, steps=None):
            events.append(("add", s, e, list(steps)))
            super().add(s, e, out, ts, steps)

    x, step = _counter()
    packed = {}
    sink = Sink(7, {}, packed)
    run_chunks(CompiledLoop(), lambda p: pack_booleans(step, packed) if p else step, [x],
               ts_host=np.arange(7) * 0.5, steps=10 + np.arange(7), chunk=chunk,
               xs={"inp": np.full(7, 0.75, np.float32)}, sink=sink, float_dtype=np.float32, **kwargs)
    return sink.arrays()


def test_run_chunks_feeds_the_sink_then_the_hook_chunk_by_chunk():
    """`run_chunks` runs the chunks in order; each chunk's records reach the sink before the hook
    (a checkpoint taken there covers them), and the records equal a run in one chunk."""
    events = []

    def run(chunk):
        return _run_chunks_of_seven_steps(chunk, events, after_chunk=lambda count: events.append(("hook", count)))

    chunked = run(3)
    assert events == [("add", 0, 3, [10, 11, 12]), ("hook", 3), ("add", 3, 6, [13, 14, 15]), ("hook", 3),
                      ("add", 6, 7, [16]), ("hook", 1)]
    whole = run(7)
    for key in ("x", "over", "t"):
        np.testing.assert_array_equal(chunked[key], whole[key])


def test_run_chunks_can_run_the_shorter_chunk_first():
    """With ``short_first`` the chunk left over by the division comes first (its loop is compiled
    before the records fill memory); the records are those of a run in one chunk."""
    def run(chunk, short_first):
        events = []
        records = _run_chunks_of_seven_steps(chunk, events, short_first=short_first)
        return [event[1:] for event in events], records

    events, chunked = run(3, True)
    assert events == [(0, 1, [10]), (1, 4, [11, 12, 13]), (4, 7, [14, 15, 16])]
    assert run(7, True)[0] == [(0, 7, list(range(10, 17)))]  # one chunk: nothing to reorder
    assert run(7 + 2, True)[0] == [(0, 7, list(range(10, 17)))]  # a chunk longer than the run
    assert [e[:2] for e in run(2, True)[0]] == [(0, 1), (1, 3), (3, 5), (5, 7)]
    whole = run(7, False)[1]
    for key in ("x", "over", "t"):
        np.testing.assert_array_equal(chunked[key], whole[key])


def test_unpack_rows_uses_brainpylibs_host_unpacking_where_it_can():
    from brainpy.math.operators.backend import get_brainpylib
    from brainpy.running.loop import unpack_rows

    rng = np.random.default_rng(4)
    x = rng.random((50, 3203)) < 0.2
    packed = np.packbits(x, axis=-1)
    module = get_brainpylib()
    calls = []
    if module is not None:
        original = module.unpack_bits_into

        def counting(p, o):
            calls.append(p.shape)
            return original(p, o)

        module.unpack_bits_into = counting
    try:
        np.testing.assert_array_equal(unpack_rows(packed, 3203), x)
        out = np.zeros((50, 3203), bool)
        assert unpack_rows(packed, 3203, out=out) is out
        np.testing.assert_array_equal(out, x)
        # rows taken every other step are strided: NumPy unpacks them
        strided = np.zeros((25, 3203), bool)
        unpack_rows(packed[::2], 3203, out=strided)
        np.testing.assert_array_equal(strided, x[::2])
    finally:
        if module is not None:
            module.unpack_bits_into = original
    if module is not None and hasattr(module, "unpack_bits_into"):
        assert calls == [(50, 401), (50, 401)]
