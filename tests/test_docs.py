"""The documentation builds without a warning, and every gallery example draws.

The build is the README's docs command with a temporary output directory: Sphinx
with warnings as errors, which also runs every ``examples/plot_*.py`` through
sphinx-gallery (``run_stale_examples`` so that a cached run from an earlier build
cannot hide a broken example). ``doc/conf.py`` turns a public name missing from
``doc/api.rst`` into a warning, so this also checks the API reference is complete.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the HTML documentation once; return the output directory."""
    out = tmp_path_factory.mktemp("html")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-D",
            "sphinx_gallery_conf.run_stale_examples=1",
            "doc",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, (
        f"sphinx-build exited with {proc.returncode}\n"
        f"--- stderr ---\n{proc.stderr[-6000:]}\n--- stdout ---\n{proc.stdout[-3000:]}"
    )
    return out


def test_docs_build(html):
    for page in (
        "index.html",
        "getting_started.html",
        "migrating.html",
        "api.html",
        "changelog.html",
        "auto_examples/index.html",
        "user_guide/initializers.html",
        "user_guide/penalties_and_constraints.html",
        "user_guide/optimizers_and_schedules.html",
        "user_guide/transfer_and_export.html",
        "user_guide/diagnostics.html",
        "user_guide/scaling_out.html",
        "generated/skweights.MLPClassifier.html",
    ):
        assert (html / page).is_file(), page


def test_examples_exist():
    assert EXAMPLES, "examples/ holds no plot_*.py script"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_draws_a_figure(html, path):
    figures = sorted(
        (html / "_images").glob(f"sphx_glr_{path.stem}_[0-9][0-9][0-9].png")
    )
    assert figures, f"{path.name} produced no figure in the built gallery"
    assert (html / "auto_examples" / f"{path.stem}.html").is_file()
