"""benchmarks/run_all.py's bookkeeping: the alternated processes of a case, their merged record and
the verdicts of issue #20's targets (no benchmark is run here)."""

import importlib.util
import pathlib
import statistics

import pytest

RUN_ALL = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "run_all.py"


@pytest.fixture(scope="module")
def run_all():
    spec = importlib.util.spec_from_file_location("bench_run_all", RUN_ALL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(steady, first, build, rss, rate=20.0, n=4000, duration=1000.0):
    return {"N": n, "duration_ms": duration, "dt_ms": 0.1, "steady_all_s": steady,
            "steady_s": statistics.median(steady) if steady else None, "first_run_s": first, "build_s": build,
            "peak_rss_mb": rss, "rate_hz": rate}


def test_ours_and_brainpy_alternate_and_the_peers_run_once(run_all):
    impls = ["ours", "brainpy238", "brian2", "nest"]
    assert run_all._order(impls, 1) == ["ours", "brainpy238", "brian2", "nest"]
    assert run_all._order(impls, 3) == ["ours", "brainpy238", "brainpy238", "ours", "ours", "brainpy238",
                                        "brian2", "nest"]
    assert run_all._order(["ours"], 2) == ["ours"]  # nothing to alternate with


def test_merged_record_takes_medians_over_every_process(run_all):
    merged = run_all.merge_runs([_record([0.5, 0.7, 0.6], 1.0, 2.0, 300.0),
                                 _record([0.9, 0.4, 0.8], 3.0, 1.0, 350.0, rate=21.0)])
    assert merged["steady_all_s"] == [0.5, 0.7, 0.6, 0.9, 0.4, 0.8]
    assert merged["steady_s"] == pytest.approx(0.65)  # median of the six runs
    assert merged["first_run_s"] == pytest.approx(2.0) and merged["first_run_all_s"] == [1.0, 3.0]
    assert merged["build_s"] == pytest.approx(1.5)
    assert merged["peak_rss_mb"] == 350.0 and merged["processes"] == 2 and merged["rate_hz"] == 21.0
    failed = {"error": "exit 1: boom"}
    assert run_all.merge_runs([_record([0.5], 1.0, 2.0, 300.0), failed]) is failed
    single = _record([0.5], 1.0, 2.0, 300.0)
    assert run_all.merge_runs([single]) is single


def test_issue_20_verdicts(run_all):
    results = {
        "coba_4k": {"ours": _record([0.03], 0.3, 0.5, 300.0), "brainpy238": _record([0.1], 1.2, 5.0, 400.0)},
        "coba_40k": {"ours": _record([0.3], 1.0, 2.0, 700.0, n=40000),
                     "brainpy238": _record([0.9], 3.0, 30.0, 900.0, n=40000)},
        "coba_400k": {"ours": _record([3.3], 5.0, 9.0, 4000.0, n=400000)},
        "coba_adex_4k": {"ours": _record([0.08], 0.5, 0.9, 400.0, rate=26.0),
                         "brainpy238": _record([0.15], 2.0, 5.0, 400.0, rate=25.0)},
        "jitconn_1m": {"ours": dict(_record([3.1], 9.0, 4.0, 1500.0, n=10 ** 6, duration=100.0),
                                    per_simulated_second_s=31.0, ns_per_event=19.5)},
        "coba_40k_mem5s": {"ours": _record([], 4.0, 2.0, 1960.0, n=40000, duration=5000.0)},
        "coba_40k_mem5s_none": {"ours": _record([], 3.0, 2.0, 420.0, n=40000, duration=5000.0)},
    }
    verdicts = {text: (measured, verdict) for text, measured, _, verdict in run_all.check_targets_20(results)}
    assert verdicts["COBA 4k: steady vs BrainPy 2.3.8"] == ("0.30x", "PASS")
    assert verdicts["COBA 4k: first run vs BrainPy 2.3.8"] == ("0.25x", "PASS")
    assert verdicts["COBA 40k: steady vs BrainPy 2.3.8"] == ("0.33x", "FAIL")
    assert verdicts["COBA 400k, 1 s: steady time vs 40k"] == ("11.0x", "FAIL")
    assert verdicts["COBA 4k with AdEx neurons: steady vs BrainPy 2.3.8"] == ("0.53x", "FAIL")
    assert verdicts["coba_adex_4k: rate vs BrainPy 2.3.8 (26.0 vs 25.0 Hz)"] == ("4.0%", "PASS")
    assert verdicts["1M neurons, just-in-time connectivity: time per simulated second"] == (
        "31.0 s (19.5 ns per synaptic event)", "FAIL")
    silent = dict(results, jitconn_1m={"ours": dict(results["jitconn_1m"]["ours"], ns_per_event=None)})
    assert [row[1] for row in run_all.check_targets_20(silent) if row[0].startswith("1M")] == [
        "31.0 s (no synaptic event)"]
    dense = [row for row in run_all.check_targets_20(results) if row[0].startswith("COBA 40k, 5 s, dense")]
    assert len(dense) == 1
    _, measured, limit, verdict = dense[0]
    # the limit is the run without monitors plus the 50,000 x 32,000-byte array (1525.9 MiB)
    assert (measured, limit, verdict) == ("1960 MB", "<= 1946 MB", "FAIL")
