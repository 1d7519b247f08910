"""Sphinx configuration of skmeta's documentation.

The build must pass offline with ``-W`` (CI has no network), so intersphinx reads a
scikit-learn inventory generated from the installed scikit-learn (see
``_sklearn_inventory.py``) instead of downloading ``objects.inv``.
"""

import os
import sys
from pathlib import Path

import skmeta

sys.path.insert(0, os.path.abspath("."))

from _sklearn_inventory import write_sklearn_inventory  # noqa: E402

project = "skmeta"
author = "The skmeta developers"
copyright = "2026, The skmeta developers"
release = skmeta.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**/sg_execution_times.rst", "examples/README.txt"]
root_doc = "index"

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

_inventory = Path(__file__).parent / "_build" / "sklearn-objects.inv"
write_sklearn_inventory(_inventory)
intersphinx_mapping = {
    "sklearn": ("https://scikit-learn.org/stable/", str(_inventory)),
}

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "reference_url": {"skmeta": None},
    "show_memory": False,
    "plot_gallery": "True",
}

html_theme = "pydata_sphinx_theme"
html_title = f"skmeta {release}"
html_static_path = []
html_theme_options = {"navigation_with_keys": False}
