"""The streaming benchmark script runs (tiny sizes, no timing asserted)."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "streaming.py"


def test_streaming_benchmark_runs_at_tiny_size():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("mode"))
    assert "peak traced MiB" in header and "RSS growth MiB" in header
    for mode in ("in-memory fit (subset)", "fit_stream (memmap)"):
        row = [line for line in lines if line.startswith(mode)]
        assert len(row) == 1, lines
        assert row[0].split()[-2].endswith("x")  # the vs in-memory column
    assert any(line.startswith("streaming ") and "budget" in line for line in lines)
