"""Run the COBA / COBAHH benchmarks side by side and append a dated section to RESULTS.md.

Each implementation lives in its own Python environment; this script only drives subprocesses::

    python benchmarks/run_all.py --ours .nox/bench/bin/python \\
        --brainpy .nox/bench_brainpy238/bin/python --brian2 .nox/bench_brian2/bin/python \\
        --nest .nox/bench_nest/bin/python [--quick]

Cases (``--quick`` keeps the 4k ones):

* COBA 4k, 1 s: this project, BrainPy 2.3.8, Brian2 (cython runtime and C++ standalone), NEST;
* COBAHH 4k, 1 s: this project, BrainPy 2.3.8;
* COBA 4k with Izhikevich and with AdEx neurons (``coba.py --neuron``), 1 s: this project, BrainPy 2.3.8;
* COBA 40k, 1 s: this project, BrainPy 2.3.8, Brian2 (both modes), NEST;
* COBA 40k, 5 s with the spike monitor, first run only (peak memory): this project, BrainPy 2.3.8;
  this project also without monitors, with spikes streamed to HDF5 and with spikes as events;
* COBA 400k, 1 s: this project only;
* 1M neurons with just-in-time connectivity, 0.1 s three times (``jitconn_1m.py``): this project only.

In the cases compared with BrainPy 2.3.8 the two alternate, ``--rounds`` processes each in the
order ours, BrainPy, BrainPy, ours, ... (the machine's speed drifts by up to 1.5x within an hour):
a case's steady time is the median of all its processes' repeated runs, its first run and build
the medians over its processes.  The peers run once after them.  The targets of issues #20 and
#9 are checked as ratios between numbers of the same run.
Then ``floors.py`` (this project's environment) estimates each case's floor per step, which the
section lists next to this project's time per step.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PACKAGES_OF = {
    "ours": ["brainpy", "brainpy-math", "brainpy-dyn", "brainpylib", "jax", "jaxlib", "numpy", "scipy"],
    "brainpy238": ["brainpy", "brainpylib", "jax", "jaxlib", "numpy", "scipy", "numba"],
    "brian2": ["brian2", "cython", "numpy", "sympy"],
    "brian2_standalone": ["brian2", "numpy"],
    "nest": ["nest-simulator", "numpy"],
}
NAMES = {"ours": "this project", "brainpy238": "BrainPy 2.3.8", "brian2": "Brian2 (cython)",
         "brian2_standalone": "Brian2 (cpp_standalone)", "nest": "NEST (iaf_cond_exp)"}
# the peers compared with this project (no target, the ratios are reported)
PEERS = ("brian2", "brian2_standalone", "nest")
SCRIPT_OF = {"brian2": "{}_brian2.py", "brian2_standalone": "{}_brian2.py", "nest": "{}_nest.py"}
EXTRA_ARGS = {"brian2_standalone": ["--standalone"]}


def _cases(quick):
    """(case id, script, arguments, implementations)."""
    cases = [
        ("coba_4k", "coba", ["--scale", "1", "--duration", "1000", "--repeat", "3"],
         ["ours", "brainpy238", "brian2", "brian2_standalone", "nest"]),
        ("cobahh_4k", "cobahh", ["--scale", "1", "--duration", "1000", "--repeat", "3"],
         ["ours", "brainpy238"]),
        ("coba_izhikevich_4k", "coba", ["--scale", "1", "--duration", "1000", "--repeat", "3",
                                        "--neuron", "izhikevich"], ["ours", "brainpy238"]),
        ("coba_adex_4k", "coba", ["--scale", "1", "--duration", "1000", "--repeat", "3", "--neuron", "adex"],
         ["ours", "brainpy238"]),
    ]
    if not quick:
        cases += [
            ("coba_40k", "coba", ["--scale", "10", "--duration", "1000", "--repeat", "3"],
             ["ours", "brainpy238", "brian2", "brian2_standalone", "nest"]),
            ("coba_40k_mem5s", "coba", ["--scale", "10", "--duration", "5000", "--repeat", "0"],
             ["ours", "brainpy238"]),
            ("coba_40k_mem5s_none", "coba", ["--scale", "10", "--duration", "5000", "--repeat", "0",
                                             "--monitor", "none"], ["ours"]),
            ("coba_40k_mem5s_stream", "coba",
             ["--scale", "10", "--duration", "5000", "--repeat", "0", "--monitor", "spike-stream"], ["ours"]),
            ("coba_40k_mem5s_events", "coba",
             ["--scale", "10", "--duration", "5000", "--repeat", "0", "--monitor", "spike-events"], ["ours"]),
            ("coba_400k", "coba", ["--scale", "100", "--duration", "1000", "--repeat", "3"], ["ours"]),
            ("jitconn_1m", "jitconn_1m", ["--duration", "100", "--repeat", "3"], ["ours"]),
        ]
    return cases


# the cases whose processes alternate with BrainPy 2.3.8's (`merge_runs`)
ALTERNATED = ("ours", "brainpy238")


def _script(name, impl):
    return HERE / SCRIPT_OF.get(impl, "{}.py").format(name)


def _order(impls, rounds):
    """The processes of a case: this project and BrainPy 2.3.8 alternated over ``rounds`` rounds
    (ours, BrainPy, BrainPy, ours, ...), then the other implementations once each."""
    paired = [impl for impl in ALTERNATED if impl in impls]
    order = []
    if len(paired) == 2:
        for r in range(rounds):
            order += paired if r % 2 == 0 else paired[::-1]
    else:
        order += paired
    return order + [impl for impl in impls if impl not in paired]


def merge_runs(records):
    """One record from the processes of one implementation in one case: the steady time is the
    median of every repeated run, the first run and the build the medians over the processes,
    the peak memory the largest; a failed process makes the whole record a failure."""
    failed = [rec for rec in records if "error" in rec]
    if failed or len(records) == 1:
        return failed[0] if failed else records[0]
    merged = dict(records[-1])
    steady = [s for rec in records for s in rec.get("steady_all_s") or []]
    merged["steady_all_s"] = steady
    merged["steady_s"] = round(statistics.median(steady), 4) if steady else None
    merged["first_run_all_s"] = [rec["first_run_s"] for rec in records]
    merged["first_run_s"] = round(statistics.median(merged["first_run_all_s"]), 4)
    merged["build_all_s"] = [rec["build_s"] for rec in records]
    merged["build_s"] = round(statistics.median(merged["build_all_s"]), 4)
    merged["peak_rss_mb"] = max(rec["peak_rss_mb"] for rec in records)
    merged["processes"] = len(records)
    return merged


def run_case(python, script, args, label, timeout):
    """Run one script; return its JSON record, or a record with an ``error``."""
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONHASHSEED="0")
    cmd = [python, str(script), *args, "--label", label]
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    wall = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    record = json.loads(lines[-1])
    record["process_wall_s"] = round(wall, 2)
    print(lines[-1], flush=True)
    return record


FLOOR_CASES = {  # case -> (script, scale, neuron) for benchmarks/floors.py
    "coba_4k": ("coba", "1", "lif"), "cobahh_4k": ("cobahh", "1", "hh"),
    "coba_izhikevich_4k": ("coba", "1", "izhikevich"), "coba_adex_4k": ("coba", "1", "adex"),
    "coba_40k": ("coba", "10", "lif"), "coba_400k": ("coba", "100", "lif"),
}
# the dense spike record of coba_40k_mem5s: 50,000 steps x 32,000 excitatory neurons, one byte each
DENSE_RECORD_MB = 50_000 * 32_000 / 2 ** 20


def floors(python, results, timeout):
    """benchmarks/floors.py's estimate for each case this project ran (at its measured rate)."""
    specs = []
    for case, (script, scale, neuron) in FLOOR_CASES.items():
        rate = _get(results, case, "ours", "rate_hz")
        if rate is not None:
            specs.append(f"{case}:{script}:{scale}:{neuron}:{rate}")
    if not specs:
        return {}
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    try:
        proc = subprocess.run([python, str(HERE / "floors.py"), *specs], capture_output=True, text=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-4:])}
    return json.loads(lines[-1])


def _per_step_us(rec):
    """Microseconds per step of a record's steady run (None without one)."""
    if rec.get("steady_s") is None:
        return None
    return rec["steady_s"] / (rec["duration_ms"] / rec["dt_ms"]) * 1e6


def floor_rows(results, floor):
    """(case, our per-step time, memory floor, compute floor, bound, ratio) for each case."""
    rows = []
    for case, est in floor.items():
        if case.startswith("_") or not isinstance(est, dict):
            continue
        per_step = _per_step_us(results[case]["ours"])
        ratio = None if per_step is None else per_step / est["floor_us"]
        rows.append((case, per_step, est["memory_us"], est["compute_us"], est["bound"], ratio))
    return rows


def package_versions(python, names):
    code = ("import importlib.metadata as m, json, sys\n"
            "out = {}\n"
            "for n in sys.argv[1:]:\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(out))")
    proc = subprocess.run([python, "-c", code, *names], capture_output=True, text=True)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": proc.stderr.strip()[-200:]}


def machine_info():
    mem_gb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gb = int(line.split()[1]) / 2 ** 20
    except OSError:
        pass
    return {
        "uname": " ".join(platform.uname()),
        "cpus": os.cpu_count(),
        "mem_gb": None if mem_gb is None else round(mem_gb, 1),
        "python": platform.python_version(),
    }


def _load():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def _get(results, case, impl, key):
    rec = results.get(case, {}).get(impl)
    if not rec or "error" in rec:
        return None
    return rec.get(key)


def _verdict(value, limit):
    return "n/a" if value is None else ("PASS" if value <= limit else "FAIL")


def _row_makers(results, rows):
    """``ratio_row(text, case, key, reference, limit)`` and ``rate_row(case, reference)``, which
    append a target's row to ``rows``."""

    def ratio_row(text, case, key, impl_ref, limit):
        r = _ratio(_get(results, case, "ours", key), _get(results, case, impl_ref, key))
        rows.append((text, None if r is None else f"{r:.2f}x", f"<= {limit}x", _verdict(r, limit)))

    def rate_row(case, impl_ref):
        ours, ref = _get(results, case, "ours", "rate_hz"), _get(results, case, impl_ref, "rate_hz")
        if ours is None or ref is None:
            rows.append((f"{case}: rate vs {NAMES[impl_ref]}", None, "within 10%", "n/a"))
            return
        diff = abs(ours - ref) / ref
        rows.append((f"{case}: rate vs {NAMES[impl_ref]} ({ours:.1f} vs {ref:.1f} Hz)", f"{diff:.1%}",
                     "within 10%", _verdict(diff, 0.10)))

    return ratio_row, rate_row


def check_targets_20(results):
    """Rows (target, measured, limit, verdict) for the targets of issue #20."""
    rows = []
    ratio_row, rate_row = _row_makers(results, rows)
    if "coba_4k" in results:
        ratio_row("COBA 4k: steady vs BrainPy 2.3.8", "coba_4k", "steady_s", "brainpy238", 0.35)
        ratio_row("COBA 4k: first run vs BrainPy 2.3.8", "coba_4k", "first_run_s", "brainpy238", 0.3)
    if "coba_40k" in results:
        ratio_row("COBA 40k: steady vs BrainPy 2.3.8", "coba_40k", "steady_s", "brainpy238", 0.3)
        ratio_row("COBA 40k: first run vs BrainPy 2.3.8", "coba_40k", "first_run_s", "brainpy238", 0.3)
    if "coba_400k" in results:
        r = _ratio(_get(results, "coba_400k", "ours", "steady_s"), _get(results, "coba_40k", "ours", "steady_s"))
        rows.append(("COBA 400k, 1 s: steady time vs 40k", None if r is None else f"{r:.1f}x", "<= 10x",
                     _verdict(r, 10)))
    if "cobahh_4k" in results:
        ratio_row("COBAHH 4k: steady vs BrainPy 2.3.8", "cobahh_4k", "steady_s", "brainpy238", 0.2)
        rate_row("cobahh_4k", "brainpy238")
    for case, model in (("coba_izhikevich_4k", "Izhikevich"), ("coba_adex_4k", "AdEx")):
        if case in results:  # any zoo neuron, integrated with exp_auto
            ratio_row(f"COBA 4k with {model} neurons: steady vs BrainPy 2.3.8", case, "steady_s", "brainpy238", 0.5)
            rate_row(case, "brainpy238")
    if "jitconn_1m" in results:
        per_sec = _get(results, "jitconn_1m", "ours", "per_simulated_second_s")
        per_event = _get(results, "jitconn_1m", "ours", "ns_per_event")
        events = "no synaptic event" if per_event is None else f"{per_event:.1f} ns per synaptic event"
        measured = None if per_sec is None else f"{per_sec:.1f} s ({events})"
        rows.append(("1M neurons, just-in-time connectivity: time per simulated second", measured, "<= 30 s",
                     _verdict(per_sec, 30)))
    if "coba_40k_mem5s_events" in results:
        mem = _get(results, "coba_40k_mem5s_events", "ours", "peak_rss_mb")
        rows.append(("COBA 40k, 5 s, both groups' spikes as events in memory (Monitor events=): peak memory",
                     None if mem is None else f"{mem:.0f} MB", "<= 1024 MB", _verdict(mem, 1024)))
    if "coba_40k_mem5s" in results and "coba_40k_mem5s_none" in results:
        dense = _get(results, "coba_40k_mem5s", "ours", "peak_rss_mb")
        none = _get(results, "coba_40k_mem5s_none", "ours", "peak_rss_mb")
        limit = None if none is None else none + DENSE_RECORD_MB
        rows.append(("COBA 40k, 5 s, dense spike monitor (E): peak memory vs the run without monitors + the "
                     f"{DENSE_RECORD_MB:.0f} MB array", None if dense is None else f"{dense:.0f} MB",
                     "-" if limit is None else f"<= {limit:.0f} MB",
                     "n/a" if dense is None or limit is None else _verdict(dense, limit)))
    return rows


def check_targets(results):
    """Rows (target, measured, limit, verdict) for the targets of issue #9."""
    rows = []
    ratio_row, rate_row = _row_makers(results, rows)

    if "coba_4k" in results:
        ratio_row("COBA 4k: steady vs BrainPy 2.3.8", "coba_4k", "steady_s", "brainpy238", 0.7)
        ratio_row("COBA 4k: steady vs Brian2", "coba_4k", "steady_s", "brian2", 0.25)
        ratio_row("COBA 4k: first run vs BrainPy 2.3.8", "coba_4k", "first_run_s", "brainpy238", 1.0)
        ratio_row("COBA 4k: build vs BrainPy 2.3.8", "coba_4k", "build_s", "brainpy238", 0.25)
        rate_row("coba_4k", "brainpy238")
        rate_row("coba_4k", "brian2")
    if "cobahh_4k" in results:
        ratio_row("COBAHH 4k: steady vs BrainPy 2.3.8", "cobahh_4k", "steady_s", "brainpy238", 0.8)
        rate_row("cobahh_4k", "brainpy238")
    if "coba_40k" in results:
        ratio_row("COBA 40k: steady vs BrainPy 2.3.8", "coba_40k", "steady_s", "brainpy238", 0.8)
        build = _get(results, "coba_40k", "ours", "build_s")
        rows.append(("COBA 40k: build", None if build is None else f"{build:.2f} s", "<= 3 s",
                     "n/a" if build is None else ("PASS" if build <= 3.0 else "FAIL")))
        rate_row("coba_40k", "brainpy238")
        rate_row("coba_40k", "brian2")
    # (issue #9's 1 GB for the dense monitor could not hold its 1.5 GB array: issue #20 restated it)
    if "coba_40k_mem5s_stream" in results:
        mem = _get(results, "coba_40k_mem5s_stream", "ours", "peak_rss_mb")
        rows.append(("COBA 40k, 5 s, spikes streamed as events (HDF5Monitor): peak memory",
                     None if mem is None else f"{mem:.0f} MB", "<= 1024 MB",
                     "n/a" if mem is None else ("PASS" if mem <= 1024 else "FAIL")))
    if "coba_400k" in results:
        big = _get(results, "coba_400k", "ours", "steady_s")
        small = _get(results, "coba_40k", "ours", "steady_s")
        r = _ratio(big, small)
        rows.append(("COBA 400k, 1 s: runs, steady time vs 40k", None if r is None else f"{r:.1f}x",
                     "<= 12x", "n/a" if r is None else ("PASS" if r <= 12 else "FAIL")))
    return rows


def peer_rows(results):
    """(case, peer, steady ratio, first-run ratio, rates) of this project against each peer."""
    rows = []
    for case in results:
        for peer in PEERS:
            if peer not in results[case]:
                continue
            steady = _ratio(_get(results, case, "ours", "steady_s"), _get(results, case, peer, "steady_s"))
            first = _ratio(_get(results, case, "ours", "first_run_s"), _get(results, case, peer, "first_run_s"))
            ours, theirs = _get(results, case, "ours", "rate_hz"), _get(results, case, peer, "rate_hz")
            rates = "-" if ours is None or theirs is None else f"{ours:.1f} vs {theirs:.1f}"
            rows.append((case, peer, "-" if steady is None else f"{steady:.2f}x",
                         "-" if first is None else f"{first:.2f}x", rates))
    return rows


def _fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def render(results, started, finished, info, versions, load_before, load_after, quick, floor=None):
    lines = [
        f"\n## COBA / COBAHH side by side ({started:%Y-%m-%d %H:%M} UTC{', quick' if quick else ''})",
        "",
        "`benchmarks/run_all.py` (via `nox -s bench`): the same `coba.py` / `cobahh.py` on this project "
        "and on BrainPy 2.3.8, `coba_brian2.py` on Brian2 (cython runtime; `--standalone`: cpp_standalone, "
        "where the steady time is one more execution of the compiled program), `coba_nest.py` on NEST "
        "(`iaf_cond_exp`, every CPU as a thread); dt 0.1 ms; steady = median of the repeated "
        "runs after the first; per step = steady / steps; build = network + connectivity + runner "
        "construction; peak RSS = `ru_maxrss` of the process. Every process is separate; in the cases "
        "compared with BrainPy 2.3.8 the two alternate (ours, BrainPy, BrainPy, ours, ...: `--rounds` "
        "processes each), the steady time being the median of all their repeated runs and the first run "
        "and build the medians over the processes; the peers run once after them.",
        "",
        f"* machine: `{info['uname']}`, {info['cpus']} CPUs, {info['mem_gb']} GB memory, Python {info['python']}",
        f"* load average (1/5/15 min) before: {load_before}; after: {load_after}; "
        f"run took {(finished - started).total_seconds() / 60:.1f} min",
    ]
    for impl, pkgs in versions.items():
        text = ", ".join(f"{k} {v}" for k, v in pkgs.items())
        lines.append(f"* {NAMES[impl]}: {text}")
    lines += ["", "| case | implementation | N | build (s) | first run (s) | steady (s) | per step (us) | "
                  "rate E, last run (Hz) | peak RSS (MB) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case, by_impl in results.items():
        for impl, rec in by_impl.items():
            if "error" in rec:
                lines.append(f"| {case} | {NAMES[impl]} | - | - | - | - | - | - | failed: {rec['error'][:300]} |")
                continue
            per_step = _per_step_us(rec)
            lines.append(
                f"| {case} | {NAMES[impl]} | {rec['N']} | {_fmt(rec['build_s'], 2)} | "
                f"{_fmt(rec['first_run_s'], 2)} | {_fmt(rec['steady_s'])} | {_fmt(per_step, 1)} | "
                f"{_fmt(rec['rate_hz'], 1)} | {_fmt(rec['peak_rss_mb'], 0)} |")
    for issue, check in (("20", check_targets_20), ("9", check_targets)):
        lines += ["", f"Targets of issue #{issue} (ratios of this project to the reference, same run):", "",
                  "| target | measured | limit | verdict |", "|---|---:|---:|---|"]
        for text, measured, limit, verdict in check(results):
            lines.append(f"| {text} | {measured or '-'} | {limit} | {verdict} |")
    peers = peer_rows(results)
    if peers:
        lines += ["", "This project against the peers (steady time: ours / theirs, below 1 is faster; rates of "
                      "the last run):", "", "| case | peer | steady ratio | first-run ratio | rate, ours vs peer (Hz) |",
                  "|---|---|---:|---:|---|"]
        lines += [f"| {case} | {NAMES[peer]} | {steady} | {first} | {rates} |"
                  for case, peer, steady, first, rates in peers]
    if floor and "error" in floor:
        lines += ["", f"Floors (benchmarks/floors.py): failed: {floor['error'][:300]}"]
    elif floor:
        costs = floor.get("_costs", {})
        lines += ["", "This project against the machine's floor (`benchmarks/floors.py`: the larger of the step's "
                      "unavoidable memory traffic at the measured bandwidth and the neuron update's counted "
                      f"operations at the measured costs of the {costs.get('loop', '?')} loop, per element: "
                      f"exp-like {costs.get('exp_ns')} ns, expm1 (small argument) {costs.get('expm1_ns')} ns, "
                      f"division {costs.get('div_ns')} ns, other {costs.get('op_ns')} ns):", "",
                  "| case | per step (us) | memory floor (us) | compute floor (us) | bound | per step / floor |",
                  "|---|---:|---:|---:|---|---:|"]
        lines += [f"| {case} | {_fmt(step, 1)} | {_fmt(mem, 2)} | {_fmt(comp, 2)} | {bound} | "
                  f"{'-' if ratio is None else f'{ratio:.1f}x'} |"
                  for case, step, mem, comp, bound, ratio in floor_rows(results, floor)]
    lines += ["", "<details><summary>raw records</summary>", "", "```"]
    for by_impl in results.values():
        for rec in by_impl.values():
            lines.append(json.dumps(rec))
    lines += ["```", "", "</details>", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="python of the environment with this project")
    parser.add_argument("--brainpy", dest="brainpy238", help="python of the BrainPy 2.3.8 environment")
    parser.add_argument("--brian2", help="python of the Brian2 environment (cython runtime and cpp_standalone)")
    parser.add_argument("--nest", help="python of the NEST environment")
    parser.add_argument("--quick", action="store_true", help="only the 4k cases")
    parser.add_argument("--results", default=str(RESULTS), help="the file to append the section to")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--timeout", type=float, default=1800, help="limit of one process, in s")
    parser.add_argument("--rounds", type=int, default=2,
                        help="processes of this project and of BrainPy 2.3.8 per case, alternated (default 2)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")
    pythons = {"ours": args.ours, "brainpy238": args.brainpy238, "brian2": args.brian2,
               "brian2_standalone": args.brian2, "nest": args.nest}

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = _load()
    results = {}
    for case, script, case_args, impls in _cases(args.quick):
        runs = {}
        for impl in _order([impl for impl in impls if pythons[impl]], args.rounds):
            runs.setdefault(impl, []).append(
                run_case(pythons[impl], _script(script, impl), case_args + EXTRA_ARGS.get(impl, []), NAMES[impl],
                         args.timeout))
        results[case] = {impl: merge_runs(records) for impl, records in runs.items()}
    floor = floors(args.ours, results, args.timeout)
    finished = datetime.datetime.now(datetime.timezone.utc)
    versions = {impl: package_versions(py, PACKAGES_OF[impl]) for impl, py in pythons.items() if py}
    section = render(results, started, finished, machine_info(), versions, load_before, _load(), args.quick, floor)
    print(section)
    if not args.no_write:
        with open(args.results, "a") as f:
            f.write(section)
    failed = [f"{case}/{impl}" for case, by in results.items() for impl, rec in by.items() if "error" in rec]
    if "error" in floor:
        failed.append("floors")
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
