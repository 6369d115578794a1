"""Optional dependencies of samplers: imported when used, with an error that says how to install.

The samplers of the optional extras (imbalanced-learn, the deep generators)
import their packages only when they are fitted, so that
``skmetamorph.samplers`` imports without them; a missing package is an
``ImportError`` that names the sampler, the package and the extra.
"""

import importlib
import importlib.util
import warnings

__all__ = ["import_optional", "installed"]


def installed(module):
    """Whether ``module`` is installed (found), whether or not it imports."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent, or hidden in sys.modules
        return False


def import_optional(module, *, package, extra, owner):
    """``module`` imported, or an ImportError naming ``owner``, ``package`` and ``extra``.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"imblearn.over_sampling"``.
    package : str
        The distribution that provides it, e.g. ``"imbalanced-learn"``.
    extra : str
        skmetamorph's extra that installs it.
    owner : str
        The sampler that needs it.

    Returns
    -------
    module : module
        The imported module.
    """
    try:
        with warnings.catch_warnings():
            # Some of these packages import deprecated standard modules.
            warnings.simplefilter("ignore", DeprecationWarning)
            return importlib.import_module(module)
    except ImportError as exc:
        if installed(module.partition(".")[0]):
            # Installed, but one of its own imports fails (too old or too new
            # for this scikit-learn, torch or pandas).
            raise ImportError(
                f"{owner} needs the package {package!r}, which is installed but fails to "
                f"import ({exc}); upgrade it: pip install --upgrade {package}."
            ) from exc
        raise ImportError(
            f"{owner} needs the package {package!r}, an optional dependency of "
            f'skmetamorph. From a checkout: pip install -e ".[{extra}]"; from a '
            f'published release: pip install "skmetamorph[{extra}]" (or pip install '
            f"{package})."
        ) from exc
