"""pytest setup for the doctests in the package (as sklearn/conftest.py does).

The torch subpackage is optional: without its dependencies its docstring
examples cannot run, so it is left out of doctest collection instead of
failing to import. Its own conftest sets up torch for its doctests.
"""

import importlib

collect_ignore = []
try:
    importlib.import_module("skmetamorph.torch")
except ImportError:  # the optional dependencies are missing
    collect_ignore.append("torch")
try:
    importlib.import_module("imblearn.over_sampling")
except ImportError:  # SMOTESampler's example needs the imbalanced extra
    collect_ignore.append("samplers/_imblearn.py")
