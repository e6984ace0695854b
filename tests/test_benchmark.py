"""The benchmark script runs (tiny sizes, no timing asserted)."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "run.py"


def test_benchmark_runs_at_tiny_size():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-torch"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    for workload in ("large f64", "large f32", "small (digits)", "deep-narrow"):
        rows = [line for line in lines if line.startswith(workload)]
        expected = {"sklearn", "skweights"}
        if workload.startswith("large"):
            expected.add("skw-nonorm")  # timed without gradient-norm history
        assert {r.split()[-8] for r in rows} == expected, rows
    assert sum("GEMM peak" in line for line in lines) == 4
    assert sum("gradient-norm history costs" in line for line in lines) == 2
