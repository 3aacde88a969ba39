"""The runnable examples work with the meta-package installed, as a user would run them."""

import os
import pathlib
import re
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_ei_network_prints_rates_and_writes_a_raster(tmp_path):
    out = tmp_path / "raster.png"
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "ei_network.py"), "--duration", "100", "--out", str(out)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rates = [float(r) for r in re.findall(r"firing rate: ([0-9.]+) Hz", proc.stdout)]
    assert len(rates) == 2, proc.stdout
    # the quickstart network fires asynchronously at roughly 10-40 Hz
    assert all(5.0 < r < 60.0 for r in rates), rates
    assert out.exists() and out.stat().st_size > 10_000
