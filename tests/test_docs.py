"""The documentation builds without a warning, and every gallery example draws.

The build is the README's docs command with a temporary output directory: Sphinx
with warnings as errors, which also runs every ``examples/plot_*.py`` through
sphinx-gallery (``run_stale_examples`` so that a cached run from an earlier build
cannot hide a broken example). ``doc/conf.py`` turns a public name missing from
``doc/api.rst`` into a warning, so this also checks the API reference is complete.
The gallery's image scraper (``doc/sphinxext/gallery_figures.py``) warns about a
figure saved with an empty panel, so the build also checks that every panel of
every example figure shows data when it is saved.
"""

import html as html_lib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("sphinx_gallery")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
sys.path.insert(0, str(ROOT / "doc" / "sphinxext"))

from gallery_figures import empty_axes  # noqa: E402


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


#: what the repr of a matplotlib object looks like in an example's output
_REPR = re.compile(r"<matplotlib\.[\w.]+ object at 0x|^(Text|Line2D|Legend)\(", re.M)
_OUTPUT = re.compile(
    r'<div class="sphx-glr-script-out[^"]*"><div class="highlight"><pre>(.*?)</pre>',
    re.S,
)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_page_shows_no_stray_repr(html, path):
    page = (html / "auto_examples" / f"{path.stem}.html").read_text(encoding="utf-8")
    for block in _OUTPUT.findall(page):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", block))
        match = _REPR.search(text)
        assert match is None, (
            f"{path.name} prints the repr of a matplotlib object: {match.group(0)!r}"
            " (assign the call's result to _)"
        )


def test_empty_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (line, blank, hline, image, off, hidden) = plt.subplots(1, 6)
    try:
        line.plot([0, 1])
        blank.set_title("loss")
        hline.axhline(1.0)
        image.imshow([[0, 1]])
        image.set_axis_off()
        off.set_axis_off()  # a deliberate blank
        hidden.set_visible(False)
        assert empty_axes(fig) == ["axes 2 ('loss')"]
        blank.bar([0], [1])
        assert empty_axes(fig) == []
    finally:
        plt.close(fig)


def test_scraper_warns_about_a_panel_filled_after_the_figure_is_saved(tmp_path):
    """A figure made in one cell and filled in the next is saved half empty,
    unless the first cell defers the figure."""
    cells = (
        '"""\n{title}\n{rule}\n"""\n\n'
        "import matplotlib.pyplot as plt\n\n"
        "fig, (left, right) = plt.subplots(1, 2)\n"
        "left.plot([0, 1])\n{defer}\n"
        "# %%\n"
        "right.plot([1, 0])\n"
        "plt.show()\n"
    )
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "README.rst").write_text("Examples\n========\n")
    for name, defer in [
        ("plot_split", ""),
        ("plot_deferred", "# sphinx_gallery_defer_figures\n"),
    ]:
        (examples / f"{name}.py").write_text(
            cells.format(title=name, rule="=" * len(name), defer=defer)
        )
    (tmp_path / "index.rst").write_text("Test\n====\n\n.. toctree::\n\n   auto/index\n")
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'doc' / 'sphinxext')!r})\n"
        "extensions = ['sphinx_gallery.gen_gallery']\n"
        "sphinx_gallery_conf = {'examples_dirs': 'examples', 'gallery_dirs': 'auto',"
        " 'filename_pattern': '/plot_', 'download_all_examples': False,"
        " 'image_scrapers': ('gallery_figures.checked_matplotlib_scraper',)}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", ".", "_build"],
        cwd=tmp_path,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "empty axes" in line]
    assert len(warnings) == 1, proc.stderr
    assert "plot_split.py: figure 1 is saved with empty axes: axes 2" in warnings[0]
    images = tmp_path / "_build" / "_images"
    assert (images / "sphx_glr_plot_deferred_001.png").is_file()


def _list_table_rows(text, title):
    """The rows of the list-table ``title``, each a list of cells (text joined
    into one line)."""
    block = text.split(f".. list-table:: {title}\n", 1)[1]
    rows = []
    for line in block.splitlines()[1:]:
        if line.startswith("   * - "):
            rows.append([line[7:].strip()])
        elif line.startswith("     - "):
            rows[-1].append(line[7:].strip())
        elif line.startswith("       ") and rows:
            rows[-1][-1] += " " + line.strip()
        elif line.strip() and not line.startswith("   :"):
            break
    return rows[1:]  # without the header row


OPTIMIZERS = ("SGD", "Adam", "AdamW", "NAdam", "Adamax", "RMSprop", "Adagrad")
OPTIMIZERS += ("Adadelta", "Lion", "LBFGS")


@pytest.mark.parametrize(
    "title, n_rows", [("From ``torch.optim``", 9), ("From ``keras.optimizers``", 9)]
)
def test_optimizer_tables_list_our_defaults(title, n_rows):
    """Each row of a skweights optimizer lists, in its last column, every
    parameter of the class with its default, as the signature has it."""
    import ast
    import inspect

    import skweights.optimizers

    text = (ROOT / "doc/user_guide/optimizers_and_schedules.rst").read_text("utf-8")
    checked = 0
    for cells in _list_table_rows(text, title):
        assert len(cells) == 3, cells
        # the class: the call that starts the second cell, or the first cell's name
        match = re.match(r"``(\w+)\(", cells[1]) or re.fullmatch(r"``(\w+)``", cells[0])
        if match is None or match.group(1) not in OPTIMIZERS:
            continue
        name = match.group(1)
        literal = re.fullmatch(r"``(.*)``", cells[2].replace("`` ``", " "))
        assert literal, f"{name}: the defaults column is not one literal: {cells[2]}"
        call = ast.parse(f"f({literal.group(1)})", mode="eval").body
        listed = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        signature = inspect.signature(getattr(skweights.optimizers, name))
        defaults = {k: p.default for k, p in signature.parameters.items()}
        assert listed == defaults, name
        checked += 1
    assert checked == n_rows
