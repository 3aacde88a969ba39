"""Checkpoints share the atomic writer of `brainpy.math.io`: a checkpoint save killed halfway
leaves a temporary file that the next checkpoint to the same file removes (issue 17, item 5)."""

import os
import time

import pytest

import brainpy.dyn as dyn
from brainpy.dyn.checkpoint import CheckpointError

pytest.importorskip("fcntl")


def test_next_checkpoint_removes_stale_temp_files_only(tmp_path):
    runner = dyn.DSRunner(dyn.LIF(3), progress_bar=False)
    target = tmp_path / "state.npz"
    stale = tmp_path / ".state.npz.00112233aabb.tmp"
    fresh = tmp_path / ".state.npz.ffeeddccbbaa.tmp"
    for p in (stale, fresh):
        p.write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    runner.run(1.)
    runner.save_checkpoint(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "state.npz"]
    runner.load_checkpoint(target)


def test_flipped_byte_in_a_checkpoint_is_detected(tmp_path):
    runner = dyn.DSRunner(dyn.LIF(50), progress_bar=False)
    runner.run(1.)
    target = tmp_path / "state.npz"
    runner.save_checkpoint(target)
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 3] ^= 0x01  # inside the stored arrays
    target.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="corrupt"):
        runner.load_checkpoint(target)
