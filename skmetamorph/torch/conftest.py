"""pytest setup for the doctests of :mod:`skmetamorph.torch`.

Collected only when torch and skorch are installed (the package's conftest
leaves this folder out otherwise).
"""

import torch


def pytest_configure(config):
    """One torch thread for the doctests: two threads on a busy 2-core machine
    make the small nets of the examples many times slower, not faster."""
    torch.set_num_threads(1)
