"""The gallery: every example is a sphinx-gallery script.

The examples are run, and checked to draw at least one figure, by the docs build
in ``tests/test_docs.py`` (sphinx-gallery executes each of them); running them
here as well would double the suite's longest step.
"""

import ast
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


def test_examples_exist():
    assert len(EXAMPLES) >= 10, "the gallery holds fewer examples than documented"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_has_a_gallery_header(path):
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{path.name} has no docstring"
    title, underline = docstring.splitlines()[:2]
    assert title.strip() and set(underline.strip()) == {"="}, (
        f"{path.name}: the docstring must start with an RST title"
    )
    assert len(underline.strip()) >= len(title.strip())
