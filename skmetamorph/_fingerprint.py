"""The code a teacher runs, as a key: what ``memory=`` adds to pickle's view of the teacher.

``joblib.hash`` pickles functions and classes *by name*: a function redefined
under the same name (a notebook cell run again with a new body) hashes as
before, and a cache keyed on it serves the old function's labels.
:func:`code_key` describes the code itself, for every function found in the
teacher's parameters (a :class:`~skmetamorph.FunctionTeacher`'s ``func``, a
``FunctionTransformer``'s, ``kw_args``...):

- its bytecode, constants and names (not its file or line numbers: the same
  code defined again gives the same key);
- its defaults, and the values in its closure;
- the module-level names it reads: data values (numbers, arrays, frames,
  dicts) by value, functions of the user's own code (``__main__``, a
  notebook, a project's modules: anything not installed in the Python
  installation or its site-packages) by their code, recursively; installed
  libraries' functions by name (they do not change while Python runs).

Classes (an estimator's, a callable object's) are keyed by name, as pickle
does; objects by their pickled state. What cannot be described (a value that
does not pickle, say a lock or an open connection read by the function) is
keyed by its type only, and reported, so that the caller can warn.
"""

import functools
import os
import site
import sys
import sysconfig
import types
from numbers import Number

import joblib
import numpy as np

__all__ = ["code_key"]


def code_key(*objects):
    """A key of the code that ``objects`` run, and what it could not describe.

    Parameters
    ----------
    *objects : object
        The unfitted teacher, its fit parameters, ...

    Returns
    -------
    key : str
        A hash of the code found in ``objects`` (see the module's docstring).
    unknown : list of str
        Names of the values that could not be described (keyed by type only).
    """
    walker = _Walker()
    description = walker.describe(objects)
    return joblib.hash(description), walker.unknown


def _library_roots():
    paths = [sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    try:
        paths += site.getsitepackages() + [site.getusersitepackages()]
    except AttributeError:  # a virtualenv's old site module
        pass
    return tuple(os.path.abspath(path) + os.sep for path in paths if path)


_LIBRARY_ROOTS = None


def _is_user_code(module_name):
    """Whether ``module_name`` is the user's own code (not an installed library)."""
    global _LIBRARY_ROOTS
    if not module_name or module_name == "builtins" or module_name in sys.builtin_module_names:
        return False
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    if path is None:  # __main__ of a notebook, an exec'd module
        return module is not None or module_name == "__main__"
    if _LIBRARY_ROOTS is None:
        _LIBRARY_ROOTS = _library_roots()
    return not os.path.abspath(path).startswith(_LIBRARY_ROOTS)


def _names_read(code):
    """The global names that ``code`` (and the code nested in it) reads."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_read(const)
    return names


def _describe_code(code):
    return (
        code.co_code,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_flags,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        tuple(
            _describe_code(const) if isinstance(const, types.CodeType) else const
            for const in code.co_consts
        ),
    )


class _Walker:
    """Describes values recursively; each function or object is described once."""

    def __init__(self):
        self.seen = set()
        self.unknown = []

    def describe(self, value, name="teacher"):
        if value is None or isinstance(value, (str, bytes, bool, Number, np.generic)):
            return value
        if isinstance(value, type):
            return self._class(value)
        if isinstance(value, (list, tuple)):
            return tuple(self.describe(item, name) for item in value)
        if isinstance(value, dict):
            return tuple(
                (repr(key), self.describe(item, f"{name}[{key!r}]"))
                for key, item in sorted(value.items(), key=lambda pair: repr(pair[0]))
            )
        if isinstance(value, functools.partial):
            return (
                "partial",
                self.describe(value.func, name),
                self.describe(value.args, name),
                self.describe(value.keywords, name),
            )
        if isinstance(value, types.MethodType):
            return ("method", self.describe(value.__func__, name), self._object(value.__self__))
        if isinstance(value, types.FunctionType):
            return self._function(value)
        if isinstance(value, types.ModuleType):
            return ("module", value.__name__)
        if hasattr(value, "get_params") and not isinstance(value, np.ndarray):
            return self._estimator(value, name)
        return self._data(value, name)

    def _once(self, value):
        """True the first time ``value`` is met (cycles and shared objects end there)."""
        if id(value) in self.seen:
            return False
        self.seen.add(id(value))
        return True

    def _function(self, func):
        label = ("function", func.__module__, func.__qualname__)
        if not self._once(func):
            return label
        closure = []
        for cell in func.__closure__ or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # an empty cell (a name assigned later)
                contents = "<empty>"
            closure.append(self.describe(contents, f"the closure of {func.__qualname__}"))
        read = []
        for global_name in sorted(_names_read(func.__code__)):
            if global_name in func.__globals__:
                read.append((global_name, self._global(func.__globals__[global_name], global_name)))
        return label + (
            _describe_code(func.__code__),
            self.describe(func.__defaults__, f"the defaults of {func.__qualname__}"),
            self.describe(func.__kwdefaults__, f"the defaults of {func.__qualname__}"),
            tuple(closure),
            tuple(read),
        )

    def _global(self, value, name):
        """A value a function reads from its module: libraries' functions by name, else in full."""
        if isinstance(value, types.FunctionType) and not _is_user_code(value.__module__):
            return ("library", value.__module__, value.__qualname__)
        if isinstance(value, (types.BuiltinFunctionType, np.ufunc)):
            return ("builtin", getattr(value, "__name__", repr(value)))
        return self.describe(value, name)

    def _class(self, cls):
        """A class: by name, as pickle keys it."""
        return ("class", cls.__module__, cls.__qualname__)

    def _estimator(self, estimator, name):
        if not self._once(estimator):
            return ("estimator", type(estimator).__qualname__)
        try:
            params = estimator.get_params(deep=False)
        except Exception:  # noqa: BLE001 - an odd get_params: take the object as data
            return self._data(estimator, name)
        # Its parameters for the functions among them; its pickled state for
        # what a fitted estimator learned (one read from a global, say).
        return (
            "estimator",
            self.describe(params, f"{type(estimator).__name__}'s parameters"),
            self._data(estimator, name),
        )

    def _object(self, value):
        """The object a bound method belongs to."""
        if hasattr(value, "get_params"):
            return self._estimator(value, type(value).__name__)
        return self._data(value, type(value).__name__)

    def _data(self, value, name):
        """Anything else, by value (by its pickled state)."""
        described = self._class(type(value))
        try:
            return ("data", described, joblib.hash(value))
        except Exception:  # noqa: BLE001 - anything that does not pickle
            self.unknown.append(f"{name} ({type(value).__qualname__})")
            return ("unknown", described)
