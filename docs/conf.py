"""Sphinx configuration of the BrainPy documentation (``nox -s docs``)."""

import os
import pathlib
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import brainpy  # noqa: E402

project = "BrainPy"
author = "the BrainPy monorepo contributors"
copyright = "the BrainPy monorepo contributors; GPL-3.0"
release = brainpy.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "bp_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "gallery", "_generated", "requirements.txt", "**.ipynb_checkpoints",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.md5", "auto_examples/*.json"]
templates_path = []

# Every broken reference is an error under -W.
nitpicky = True
_EXTERNAL = r"(jax|jaxlib|numpy|np|jnp|typing|typing_extensions|collections|h5py|pluggy|matplotlib|plt|"
_EXTERNAL += r"scipy|numba|pathlib|os|io|abc|enum|types|threading|functools|contextlib|tqdm|optax)(\..*)?"
nitpick_ignore_regex = [
    (r"py:.*", _EXTERNAL),
]

# autodoc + napoleon (Google-style docstrings)
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {}
autodoc_inherit_docstrings = True
autodoc_docstring_signature = False
autosummary_generate = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True

# MyST
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
suppress_warnings = []

# sphinx-gallery: the scripts of gallery/ are executed during the build.
sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "min_reported_time": 1,
    # each example starts from BrainPy's defaults (32-bit mode, dt = 0.1, a fresh generator)
    "reset_modules": ("matplotlib", "bp_docs.reset_brainpy"),
    "reset_modules_order": "before",
}

html_theme = "furo"
html_title = f"BrainPy {release}"
html_static_path = []
html_show_sourcelink = False
