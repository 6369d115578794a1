"""Private scikit-learn names come through ``skmetamorph.utils._sklearn_compat`` only.

scikit-learn may move or change its private names (a module or a name that
starts with an underscore) in any release. The package supports a range of
releases (``scikit-learn>=1.6``), so every private name it uses is imported
in one module, ``skmetamorph/utils/_sklearn_compat.py``, which knows where
each release keeps it. This test reads the source of the package, the tests
and the benchmarks with :mod:`ast` and fails on any other private import.
"""

import ast
from pathlib import Path

import pytest

from skmetamorph.utils import _sklearn_compat

ROOT = Path(__file__).resolve().parents[1]
COMPAT = Path("skmetamorph/utils/_sklearn_compat.py")

# Files allowed to import private scikit-learn names directly besides the
# compat module (none: keep it that way).
ALLOWED = set()


def _is_private(dotted):
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def private_sklearn_imports(source, filename="<source>"):
    """The private scikit-learn names that ``source`` imports or reaches.

    Parameters
    ----------
    source : str
        Python source code.
    filename : str, default="<source>"
        Name shown in syntax errors.

    Returns
    -------
    list of (int, str)
        Line number and dotted name of each private import: ``from
        sklearn.x._y import z``, ``from sklearn.x import _z``, ``import
        sklearn.x._y``, or an attribute chain such as ``sklearn.utils._y``.
    """
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "sklearn":
                continue
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if _is_private(dotted):
                    found.append((node.lineno, dotted))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sklearn" and _is_private(alias.name):
                    found.append((node.lineno, alias.name))
        elif isinstance(node, ast.Attribute):
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id == "sklearn":
                dotted = ".".join(["sklearn", *reversed(chain)])
                if _is_private(dotted):
                    found.append((node.lineno, dotted))
    # ast.walk meets ``sklearn.a._b.c`` and then ``sklearn.a._b``: keep the
    # longest chain of each line.
    return sorted(
        (line, dotted)
        for line, dotted in set(found)
        if not any(ln == line and other.startswith(dotted + ".") for ln, other in found)
    )


def _sources():
    for folder in ("skmetamorph", "tests", "benchmarks", "docs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "_build" in relative.parts or "auto_examples" in relative.parts:
                continue
            yield relative


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "from sklearn.utils._param_validation import Interval",
            ["sklearn.utils._param_validation.Interval"],
        ),
        ("from sklearn.base import BaseEstimator, _fit_context", ["sklearn.base._fit_context"]),
        ("import sklearn.utils._tags as t", ["sklearn.utils._tags"]),
        ("import sklearn\nsklearn.utils._safe_indexing(x, [0])", ["sklearn.utils._safe_indexing"]),
        (
            "def f():\n    from sklearn.utils.validation import _num_samples",
            ["sklearn.utils.validation._num_samples"],
        ),
        ("from sklearn.utils import check_array, Tags", []),
        ("from sklearn.base import BaseEstimator\nBaseEstimator.__init__", []),
        ("from .utils._sklearn_compat import Interval", []),
        ("from skmetamorph.utils._sklearn_compat import InvalidParameterError", []),
    ],
)
def test_private_sklearn_imports_finds_them(source, expected):
    assert [dotted for _, dotted in private_sklearn_imports(source)] == expected


def test_private_sklearn_names_only_through_compat():
    offenders = []
    for relative in _sources():
        if relative == COMPAT or relative in ALLOWED:
            continue
        source = (ROOT / relative).read_text(encoding="utf-8")
        for line, dotted in private_sklearn_imports(source, str(relative)):
            offenders.append(f"{relative}:{line}: {dotted}")
    assert not offenders, (
        "import these from skmetamorph.utils._sklearn_compat (add them there if "
        "missing):\n" + "\n".join(offenders)
    )


def test_allow_list_is_current():
    # An allow-listed file that no longer imports a private name leaves the list.
    clean = [
        str(path)
        for path in sorted(ALLOWED)
        if not private_sklearn_imports((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not clean, f"remove from ALLOWED, they import no private name now: {clean}"


def test_compat_exports_resolve():
    for name in _sklearn_compat.__all__:
        assert getattr(_sklearn_compat, name) is not None, name
    assert len(_sklearn_compat.SKLEARN_VERSION) == 3
    assert _sklearn_compat.SKLEARN_VERSION >= (1, 6, 0)
    # The error raised by invalid parameters is both kinds of errors users catch.
    assert issubclass(_sklearn_compat.InvalidParameterError, ValueError)
    assert issubclass(_sklearn_compat.InvalidParameterError, TypeError)


def test_base_composition_rejects_classes_on_every_release():
    # scikit-learn 1.9 added this check; the compat class has it before too.
    from sklearn.linear_model import LinearRegression

    class Composition(_sklearn_compat._BaseComposition):
        def __init__(self, steps=()):
            self.steps = steps

    composition = Composition()
    composition._check_estimators_are_instances([LinearRegression()])
    with pytest.raises(TypeError, match="Expected an estimator instance"):
        composition._check_estimators_are_instances([LinearRegression])


def test_parametrize_with_checks_gives_a_list():
    # Before scikit-learn 1.9 the cases came as a generator, which pytest 9
    # deprecates.
    from sklearn.linear_model import LinearRegression

    mark = _sklearn_compat.parametrize_with_checks([LinearRegression()])
    argnames, argvalues = mark.args
    assert argnames == "estimator, check"
    assert isinstance(argvalues, list) and argvalues


def test_parametrize_with_checks_leaves_out_array_api_checks(monkeypatch):
    # Without SCIPY_ARRAY_API=1 scikit-learn's array API checks could only
    # skip, one notice per estimator: they are left out; with it, kept.
    from sklearn.linear_model import LinearRegression

    def names(mark):
        return [
            getattr(case, "values", case)[-1].func.__name__
            if hasattr(getattr(case, "values", case)[-1], "func")
            else getattr(case, "values", case)[-1].__name__
            for case in mark.args[1]
        ]

    monkeypatch.delenv("SCIPY_ARRAY_API", raising=False)
    without = names(_sklearn_compat.parametrize_with_checks([LinearRegression()]))
    assert without and not any(name.startswith("check_array_api") for name in without)
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    kept = names(_sklearn_compat.parametrize_with_checks([LinearRegression()]))
    # With it, every check scikit-learn itself yields (the array API checks
    # among them where this release has some).
    from sklearn.utils.estimator_checks import parametrize_with_checks

    assert kept == names(parametrize_with_checks([LinearRegression()]))
    assert set(kept) - set(without) == {n for n in kept if n.startswith("check_array_api")}
