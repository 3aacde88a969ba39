"""Estimates of this machine's floor for one step of the COBA / COBAHH benchmark networks.

A step cannot take less than the larger of two times:

* **memory**: every state variable of the network (neurons and conductances, ``net.vars()``)
  read and written once, plus, for every synaptic event, one index read and one read-modify-write
  of a conductance (12 bytes), at the bandwidth this machine reaches for a working set of that size
  (measured: a compiled loop streaming ``x = a x + y`` over arrays of the same total size);
* **compute**: the arithmetic of the neuron update, counted from the traced program of the
  neurons' integration step (``group.integral`` with its method, common subexpressions counted
  once, operations on constants not counted), plus 4 operations per neuron for the threshold and
  reset and 8 for the two conductance currents and decays, at the cost per element this machine
  shows for each kind of operation in the fused element-wise loop (`brainpy.math.fused_elementwise`;
  XLA's own loop when fusion is unavailable), measured on 2**15 elements (in cache, so that
  memory does not hide the arithmetic): an exponential-like
  function (exp, log, tanh, logistic...), an ``expm1`` of a small argument (exponential Euler's
  factors), a division by a variable, any other operation
  (eight independent ones summed, so that the throughput is measured, not the latency).

The dispatch cost of the compiled loop (XLA:CPU runs every operation of a step as a separate task)
is not part of the floor: it is what remains between the floor and the measured time.

    python benchmarks/floors.py coba_4k:coba:1:lif:20 cobahh_4k:cobahh:1:hh:13 ...

Each argument is ``case:script:scale:neuron:rate_hz`` (the rate sets the number of synaptic events);
prints one JSON line ``{case: {...}}``.
"""

import functools
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax.extend import core as jcore  # noqa: E402

import brainpy.math as bm  # noqa: E402

DT = 0.1  # ms
FANOUT = 80  # synapses per neuron in every benchmark network
TRANSCENDENTAL = {"exp", "exp2", "log", "log1p", "tanh", "logistic", "sin", "cos", "pow", "sqrt",
                  "rsqrt", "cbrt", "erf", "atan2"}
FREE = {"broadcast_in_dim", "convert_element_type", "reshape", "squeeze", "expand_dims", "copy"}
THRESHOLD_OPS = 4  # spike test, reset, refractory bookkeeping
CURRENT_OPS = 8  # g_E (E_E - V) + g_I (E_I - V) added to the input, and the two exact decays


def _best_seconds(fn, repeat=7):
    fn()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# ----- the machine -----------------------------------------------------------------------------

def _stream_seconds(n, iterations=200):
    """Seconds per iteration of a compiled loop streaming ``x = 0.999 x + y`` over ``n`` floats."""
    x, y = jnp.ones(n, jnp.float32), jnp.full(n, 1e-3, jnp.float32)
    run = jax.jit(lambda x, y: jax.lax.fori_loop(0, iterations, lambda i, x: x * 0.999 + y, x))
    return _best_seconds(lambda: run(x, y).block_until_ready()) / iterations


@functools.lru_cache(maxsize=None)
def _dispatch_seconds():
    """The streaming loop's cost per iteration at 16 elements: its dispatch (measured once)."""
    return _stream_seconds(16)


def bandwidth(working_set_bytes):
    """Bytes per second streamed by one core over a working set of about this size (the loop's
    dispatch subtracted)."""
    n = max(1024, int(working_set_bytes) // 8)  # two arrays of n floats
    seconds = max(_stream_seconds(n) - _dispatch_seconds(), 1e-9)
    return 12.0 * n / seconds  # x and y read, x written


def element_costs(n=1 << 15):
    """Seconds per element of one exponential-like function, one ``expm1`` of a small argument, one
    division by a variable and one other operation in the fused element-wise loop (XLA's loop when
    fusion is unavailable), and which loop it was."""
    fused = bm.fusion_available()
    x = jnp.linspace(0.1, 1.0, n, dtype=jnp.float32)

    def timed(fn):
        if fused:
            call = jax.jit(lambda x: bm.fused_elementwise(fn, x)[0])
        else:
            call = jax.jit(fn)
        return _best_seconds(lambda: call(x).block_until_ready(), repeat=50) / n

    def independent(term, times):
        # ``times`` independent terms summed: the throughput of the operation, not its latency
        def fn(y):
            return (sum(term(y, 1.0 + 0.01 * k) for k in range(times)),)
        return fn

    terms = 16
    base = timed(independent(lambda y, c: y * c, terms))  # the loads, the stores and the sum
    ops = (timed(independent(lambda y, c: (y * c + c) * c, terms)) - base) / (2 * terms)
    exp = (timed(independent(lambda y, c: jnp.exp(y * c), terms)) - base) / terms
    div = (timed(independent(lambda y, c: c / (y + c), terms)) - base) / terms - ops
    # expm1 of the small arguments of exponential Euler (dt times a rate): its polynomial branch
    expm1 = (timed(independent(lambda y, c: jnp.expm1(y * c * 1e-3), terms)) - base) / terms - ops
    return {"op_s": max(ops, 0.0), "exp_s": max(exp, 0.0), "expm1_s": max(expm1, 0.0), "div_s": max(div, 0.0),
            "loop": "fused_elementwise" if fused else "XLA"}


# ----- the model -------------------------------------------------------------------------------

def _count(jaxpr, counts, constant):
    """Add the element-wise operations of ``jaxpr`` to ``counts`` (by kind), each distinct
    computation once; ``constant`` holds the variables computed from constants only."""
    seen = {}
    alias = {}

    def key_of(v):
        if isinstance(v, jcore.Literal):
            return ("lit", repr(v.val))
        return ("var", id(alias.get(v, v)))

    for eqn in jaxpr.eqns:
        inner = [p for p in eqn.params.values() if isinstance(p, (jcore.ClosedJaxpr, jcore.Jaxpr))]
        ins_constant = all(isinstance(v, jcore.Literal) or v in constant for v in eqn.invars)
        if ins_constant:
            constant.update(eqn.outvars)
            continue
        key = (eqn.primitive.name, repr(sorted((k, repr(v)) for k, v in eqn.params.items())),
               tuple(key_of(v) for v in eqn.invars))
        if key in seen:
            for out, first in zip(eqn.outvars, seen[key]):
                alias[out] = first
            continue
        seen[key] = eqn.outvars
        if inner:
            for sub in inner:
                _count(sub.jaxpr if isinstance(sub, jcore.ClosedJaxpr) else sub, counts, set())
            continue
        name = eqn.primitive.name
        if name in FREE:
            continue
        divisor_constant = name == "div" and (isinstance(eqn.invars[1], jcore.Literal) or eqn.invars[1] in constant)
        kind = ("exp" if name in TRANSCENDENTAL else "expm1" if name == "expm1"
                else "div" if name == "div" and not divisor_constant else "op")
        counts[kind] += 1


def update_counts(group):
    """Operations per neuron of ``group``'s integration step (one step of ``group.integral``)."""
    integral = group.integral
    n = 8
    args = []
    for name in integral.arguments:
        if name == "dt":
            continue
        args.append(jnp.float32(0.) if name == "t" else jnp.zeros(n, jnp.float32))

    def step(*xs):
        return integral(*xs, dt=DT)

    closed = jax.make_jaxpr(step)(*args)
    counts = {"exp": 0, "expm1": 0, "div": 0, "op": 0}
    _count(closed.jaxpr, counts, set(closed.jaxpr.constvars))
    counts["op"] += THRESHOLD_OPS + CURRENT_OPS
    return counts


def build(script, scale, neuron):
    if script == "cobahh":
        import cobahh

        net, _, n = cobahh.build(scale, None, 42)
    else:
        import coba

        net, _, n = coba.build(scale, None, 42, neuron)
    return net, n


def floor(script, scale, neuron, rate_hz, costs):
    bm.set_dt(DT)
    net, n = build(script, scale, neuron)
    state_bytes = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in net.vars().unique().values())
    events = rate_hz * n * DT * 1e-3 * FANOUT
    traffic = 2 * state_bytes + 12 * events
    memory_s = traffic / bandwidth(2 * state_bytes)
    counts = update_counts(net.E)
    compute_s = n * sum(counts[kind] * costs[kind + "_s"] for kind in counts)
    return {
        "N": n, "state_bytes": state_bytes, "events_per_step": round(events, 1),
        "bytes_per_step": int(traffic), "memory_us": round(memory_s * 1e6, 2),
        "ops_per_neuron": counts, "compute_us": round(compute_s * 1e6, 2),
        "floor_us": round(max(memory_s, compute_s) * 1e6, 2),
        "bound": "memory" if memory_s >= compute_s else "compute",
    }


def main():
    costs = element_costs()
    out = {"_costs": {"op_ns": round(costs["op_s"] * 1e9, 4), "exp_ns": round(costs["exp_s"] * 1e9, 4),
                      "expm1_ns": round(costs["expm1_s"] * 1e9, 4), "div_ns": round(costs["div_s"] * 1e9, 4),
                      "loop": costs["loop"]}}
    for spec in sys.argv[1:]:
        case, script, scale, neuron, rate = spec.split(":")
        out[case] = floor(script, float(scale), neuron, float(rate), costs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
