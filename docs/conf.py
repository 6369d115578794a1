"""Sphinx configuration of the skmetamorph documentation.

Build with (from the repository root)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

or ``make -C docs html``. The gallery examples in ``docs/examples/`` are run
during the build (each takes seconds on a CPU).

Links to the scikit-learn, NumPy, SciPy, joblib, PyTorch and skorch
documentation (intersphinx) need their inventories from the internet. They are
off by default, so that the build works offline and with ``-W`` (a failed
download is a warning); set ``SKMETAMORPH_DOCS_INTERSPHINX=1`` to turn them on::

    SKMETAMORPH_DOCS_INTERSPHINX=1 python -m sphinx -W -b html docs docs/_build/html
"""

import os
import re

import skmetamorph

# -- Project -----------------------------------------------------------------
project = "skmetamorph"
author = "The skmetamorph developers"
copyright = "The skmetamorph developers, BSD 3-Clause license"
version = skmetamorph.__version__
release = skmetamorph.__version__

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # A local copy of MathJax in _static/mathjax (see mathjax_path below).
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
# ``examples/`` holds the gallery sources; sphinx-gallery turns them into
# ``auto_examples/``, so Sphinx itself must not read them.
exclude_patterns = ["_build", "examples", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# Formulas are rendered by MathJax 3 from the copy that sphinx-mathjax-offline
# (the docs extra) puts in _static/mathjax, not from a CDN: the pages show
# their formulas offline. The extension sets this path too; it is set here so
# that the script's place does not depend on the extension's internals.
mathjax_path = "mathjax/tex-chtml.js"

# The "On this page" list of an API page names the members without their class
# ("fit()", not "MetamorphosisClassifier.fit()"), so that they fit the sidebar.
toc_object_entries_show_parents = "hide"

# Unresolved cross-references (e.g. to scikit-learn without intersphinx) are
# not errors: the docstrings are written for readers, not for nitpicking.
nitpicky = False

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
add_module_names = False

numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# numpydoc's own validation is left off: the API pages also show docstrings
# inherited from scikit-learn, skorch and torch, which we do not control.
numpydoc_validation_checks = set()

# -- intersphinx --------------------------------------------------------------
INTERSPHINX = os.environ.get("SKMETAMORPH_DOCS_INTERSPHINX", "") not in ("", "0")
if INTERSPHINX:
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "scipy": ("https://docs.scipy.org/doc/scipy/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "joblib": ("https://joblib.readthedocs.io/en/stable/", None),
        "pandas": ("https://pandas.pydata.org/docs/", None),
        "matplotlib": ("https://matplotlib.org/stable/", None),
        "torch": ("https://docs.pytorch.org/docs/stable/", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    }
else:
    intersphinx_mapping = {}

# -- sphinx-gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py|/_",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skmetamorph",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": "True",
    # An example that raises fails the build (and CI).
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    # No sg_execution_times pages: they load DataTables' CSS and JS from CDNs,
    # and the built pages must work offline.
    "write_computation_times": False,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skmetamorph {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "install": [], "getting_started": []}
html_show_sourcelink = True
html_copy_source = True


# -- Hooks ---------------------------------------------------------------------

# scikit-learn generates ``set_{method}_request`` methods on every estimator
# whose methods take metadata. Their docstrings link to scikit-learn's own
# glossary and user guide (unresolvable here) and say nothing specific to
# skmetamorph, so they are left out of the API pages.
_SKIPPED_MEMBERS = re.compile(r"^set_\w+_request$")


def _skip_member(app, what, name, obj, skip, options):
    if _SKIPPED_MEMBERS.match(name):
        return True
    return None


# Methods inherited from scikit-learn (``score``, ``get_params``,
# ``get_metadata_routing``, ...) are shown on our API pages with scikit-learn's
# docstrings, whose ``:ref:`` and ``:term:`` roles point into scikit-learn's
# own user guide and glossary. Those targets exist only on scikit-learn's site
# (and not always in its intersphinx inventory), so the roles become plain text.
_FOREIGN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<([^`>]*)>)?`")


def _plain_role(match):
    return match.group(1) or match.group(2) or ""


def _fix_docstring(app, what, name, obj, options, lines):
    foreign = getattr(obj, "__module__", None) or ""
    foreign = foreign.split(".")[0] not in ("skmetamorph", "")
    if not foreign:
        return
    for i, line in enumerate(lines):
        lines[i] = _FOREIGN_ROLE.sub(_plain_role, line)


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    # Before numpydoc (priority 500), which parses the docstring's sections.
    app.connect("autodoc-process-docstring", _fix_docstring, priority=100)
