"""Sphinx configuration of the skweights documentation.

Build from the repository root with::

    sphinx-build -W --keep-going -b html doc doc/_build/html

The build is offline: no intersphinx, and every gallery example runs on data
that scikit-learn ships.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from sphinx.util import logging  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "sphinxext"))

import skweights  # noqa: E402

# -- Project -------------------------------------------------------------------
project = "skweights"
author = "the skweights developers"
copyright = "the skweights developers"  # noqa: A001 - Sphinx's name
release = skweights.__version__
version = re.sub(r"(\d+\.\d+)\..*", r"\1", release)

# -- General -------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "generated/*.inc"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# autodoc / autosummary: one generated page per public name.
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"
add_module_names = False

# numpydoc: the class templates list the members once, through autodoc.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skweights {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"changelog": [], "getting_started": [], "migrating": []}
html_show_sourcelink = False

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every plot_*.py script
    "ignore_pattern": r"__init__\.py",
    # sphinx-gallery's matplotlib scraper, warning about a panel saved empty
    "image_scrapers": ("gallery_figures.checked_matplotlib_scraper",),
    "matplotlib_animations": False,
    "doc_module": ("skweights",),
    "backreferences_dir": "generated/backreferences",
    "within_subsection_order": "sphinx_gallery.sorting.FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
}

# -- The changelog, from CHANGELOG.md ------------------------------------------
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_ESCAPE = re.compile(r"([\\*|_])")


def _inline(text: str) -> str:
    """Markdown inline text as reStructuredText: code spans, links, escapes."""
    out, pos = [], 0
    for match in _CODE.finditer(text):
        out.append(_plain(text[pos : match.start()]))
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        literal = f"``{match.group(1)}``"
        if before.isalnum():
            literal = "\\ " + literal
        if after.isalnum():
            literal += "\\ "
        out.append(literal)
        pos = match.end()
    out.append(_plain(text[pos:]))
    return "".join(out)


def _plain(text: str) -> str:
    """Text outside code spans: links become RST links, markup characters escaped."""
    out, pos = [], 0
    for match in _LINK.finditer(text):
        out.append(_ESCAPE.sub(r"\\\1", text[pos : match.start()]))
        out.append(f"`{match.group(1)} <{match.group(2)}>`__")
        pos = match.end()
    out.append(_ESCAPE.sub(r"\\\1", text[pos:]))
    return "".join(out)


def markdown_to_rst(markdown: str) -> str:
    """Convert the Markdown of CHANGELOG.md: headings, (nested) bullet lists, code
    spans, links and fenced code blocks."""
    underline = {1: "=", 2: "-", 3: "~", 4: "^"}
    lines: list[str] = []
    fence = None  # the indentation of the open code block, if any
    bullet_indent = None  # the indentation of the last bullet of the open list
    for line in markdown.splitlines():
        if fence is not None:
            if line.strip().startswith("```"):
                fence = None
                lines.append("")
            else:
                lines.append(fence + "   " + line if line.strip() else "")
            continue
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        bullet = re.match(r"^(\s*)[-*+]\s+(.*)$", line)
        code = re.match(r"^(\s*)```\s*(\w*)", line)
        if code:
            fence = code.group(1)
            lines += ["", f"{fence}.. code-block:: {code.group(2) or 'text'}", ""]
        elif heading:
            title = _inline(heading.group(2).strip())
            if lines and lines[-1]:
                lines.append("")
            lines += [title, underline[len(heading.group(1))] * len(title), ""]
            bullet_indent = None
        elif bullet:
            indent = bullet.group(1)
            if lines and lines[-1] and indent != bullet_indent:
                lines.append("")  # a list, or a list level, starts or ends
            lines.append(f"{indent}- {_inline(bullet.group(2))}")
            bullet_indent = indent
        elif not line.strip():
            lines.append("")
            bullet_indent = None
        else:
            if bullet_indent is not None and not line.startswith(" "):
                lines.append("")  # a paragraph right after a list
                bullet_indent = None
            lines.append(_inline(line))
    return "\n".join(lines).rstrip() + "\n"


def write_changelog() -> None:
    source = ROOT / "CHANGELOG.md"
    target = HERE / "generated" / "changelog.inc"
    target.parent.mkdir(exist_ok=True)
    text = markdown_to_rst(source.read_text(encoding="utf-8"))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


write_changelog()


# -- Every public name in the API reference ---------------------------------------
PUBLIC_MODULES = (
    "skweights",
    "skweights.activations",
    "skweights.constraints",
    "skweights.initializers",
    "skweights.losses",
    "skweights.optimizers",
    "skweights.penalties",
    "skweights.io",
    "skweights.exceptions",
    "skweights.inspection",
    "skweights.plotting",
    "skweights.streaming",
)
#: names of ``__all__`` that are modules or metadata, not API entries
NOT_DOCUMENTED = {"__version__"}


def public_names() -> list[str]:
    """``module.name`` for every name in the ``__all__`` of the public modules."""
    names = []
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # an optional module that does not exist (yet)
            raise
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if name in NOT_DOCUMENTED or type(value).__name__ == "module":
                continue
            names.append(f"{module_name}.{name}")
    return names


def check_api_reference(app) -> None:
    """Warn (an error with -W) about a public name missing from api.rst."""
    text = (HERE / "api.rst").read_text(encoding="utf-8")
    listed, module = set(), None
    for line in text.splitlines():
        current = re.match(r"^\.\. currentmodule:: (\S+)", line)
        if current:
            module = current.group(1)
            continue
        entry = re.match(r"^   ([A-Za-z_][\w.]*)\s*$", line)
        if entry and module:
            listed.add(f"{module}.{entry.group(1)}")
    missing = [name for name in public_names() if name not in listed]
    if missing:
        logging.getLogger("skweights.docs").warning(
            "api.rst does not list these public names: %s", ", ".join(missing)
        )


def describe_data(app, what, name, obj, options, lines):
    """Show a module constant's value: a registry as a list of names."""
    if what != "data":
        return
    module_name = name.rpartition(".")[0]
    module = importlib.import_module(module_name)
    lines.append("")
    if isinstance(obj, dict):
        lines.append("Keys and what they resolve to:")
        lines.append("")
        for key, value in obj.items():
            lines.append(f"- ``{key!r}``: {_describe(value, module, module_name)}")
    else:
        lines.append(f"Value: ``{obj!r}``")
    lines.append("")


def _describe(value, module, module_name) -> str:
    if isinstance(value, type):
        if getattr(module, value.__name__, None) is value:
            return f":class:`~{module_name}.{value.__name__}`"
        return f"``{value.__name__}``"
    if callable(value) and getattr(value, "__name__", "") == "<lambda>":
        return f"``{value()!r}``"
    return f"``{value!r}``"


def setup(app):
    app.connect("builder-inited", check_api_reference)
    app.connect("autodoc-process-docstring", describe_data)
