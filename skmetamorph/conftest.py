"""pytest setup for the doctests in the package (as sklearn/conftest.py does).

The torch glue is optional: without torch its docstring examples cannot run,
so the module is left out of doctest collection instead of failing to import.
"""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("torch") is None or importlib.util.find_spec("skorch") is None:
    collect_ignore.append("torch.py")


def pytest_configure(config):
    """One torch thread for the doctests: two threads on a busy 2-core machine
    make the small nets of the examples many times slower, not faster."""
    if "torch.py" not in collect_ignore:
        import torch

        torch.set_num_threads(1)
