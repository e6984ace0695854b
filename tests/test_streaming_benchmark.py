"""The streaming benchmark script runs, and fails when streaming exceeds its budget
(tiny sizes, no timing asserted)."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "streaming.py"


def _run(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_streaming_benchmark_runs_at_tiny_size():
    proc = _run()
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("mode"))
    assert "peak traced MiB" in header and "RSS growth MiB" in header
    for mode in ("in-memory fit (subset)", "fit_stream (memmap)"):
        row = [line for line in lines if line.startswith(mode)]
        assert len(row) == 1, lines
        assert row[0].split()[-2].endswith("x")  # the vs in-memory column
    verdict = [line for line in lines if line.startswith("streaming ")]
    assert len(verdict) == 1 and "within a 1 MiB budget: yes" in verdict[0], lines


def test_streaming_benchmark_fails_over_budget():
    """20 KiB is less than one partial_fit call allocates: the run must say so
    and exit with status 1."""
    proc = _run("--budget-mib", "0.02")
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "within a 0.02 MiB budget: no" in proc.stdout
    assert "error: streaming used more than the 0.02 MiB budget" in proc.stderr
