"""The documentation: API reference complete, user guide runs, built HTML whole.

Three kinds of checks, all without running Sphinx:

- ``docs/api.rst`` lists every public name (a name in the ``__all__`` of a public
  module of the package), and nothing else. Modules are read with ``ast``, so
  the optional ``skmetamorph.torch`` is checked without importing torch.
- The ``>>>`` snippets of the user guide and of the getting-started page run as
  doctests (the other code blocks of the pages and of the README run in
  ``tests/test_snippets.py``).
- The install instructions name the form that works from a checkout
  (``pip install -e ".[torch]"``) wherever they name an extra.
- When the docs have been built (``docs/_build/html``, as in CI), every gallery
  example drew its figure, every public name has its API page, the formulas
  load MathJax from the build's own ``_static`` (no CDN) and the "On this page"
  lists of the API pages give short member names. Skipped otherwise; build with
  ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

import ast
import doctest
import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skmetamorph"
DOCS = ROOT / "docs"
API_RST = DOCS / "api.rst"
EXAMPLES = DOCS / "examples"
HTML = DOCS / "_build" / "html"

# Modules of the package that are not part of its API.
NOT_API = {"conftest", "__main__"}


# --------------------------------------------------------------- public names
def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def public_modules():
    """``{module name: source path}`` of the public modules of the package."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        private = any(part.startswith("_") for part in relative.parts[:-1]) or (
            path.stem.startswith("_") and path.stem != "__init__"
        )
        if private or path.stem in NOT_API or "__pycache__" in relative.parts:
            continue
        modules[_module_name(path)] = path
    return modules


def _literal_all(tree, path):
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(
        f"{path.relative_to(ROOT)} is a public module without __all__: list its public "
        "names in __all__ (or make the module private with a leading underscore)."
    )


def _imported_from(tree, module, is_package):
    """``{name: absolute module}`` for the relative ``from .x import name`` lines."""
    # Relative imports start from the package: the module itself for an
    # __init__.py, its parent otherwise; each further dot goes one level up.
    package = module.split(".") if is_package else module.split(".")[:-1]
    sources = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            origin = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                sources[alias.asname or alias.name] = origin
    return sources


def public_names():
    """``{qualified name: accepted documented names}`` of every public name.

    A name re-exported from another public module (``skmetamorph.BaseTransferSampler``
    is ``skmetamorph.base.BaseTransferSampler``) may be documented under either.
    """
    modules = public_modules()
    names = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        origins = _imported_from(tree, module, path.stem == "__init__")
        for name in _literal_all(tree, path):
            if name.startswith("__"):  # __version__ and the like
                continue
            accepted = {f"{module}.{name}"}
            origin = origins.get(name)
            if origin in modules:
                accepted.add(f"{origin}.{name}")
            names[f"{module}.{name}"] = accepted
    return names


# ------------------------------------------------------------------ api.rst
_DIRECTIVE = re.compile(r"^(\s*)\.\. ([\w:-]+)::\s*(.*)$")


def documented_names(text=None):
    """Qualified names listed in the autosummary tables of ``docs/api.rst``."""
    text = API_RST.read_text() if text is None else text
    names = []
    module = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        i += 1
        if not match:
            continue
        indent, directive, argument = match.groups()
        if directive in ("currentmodule", "py:currentmodule"):
            module = argument.strip()
        elif directive == "autosummary":
            # Options (":toctree: ...") then one entry per line, all indented deeper.
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > len(indent)):
                entry = lines[i].strip()
                i += 1
                if not entry or entry.startswith(":"):
                    continue
                entry = entry.lstrip("~")
                names.append(entry if module is None or "." in entry else f"{module}.{entry}")
    return names


def _indent(line):
    return len(line) - len(line.lstrip())


def test_documented_names_parser():
    text = """
.. currentmodule:: pkg.mod

.. autosummary::
   :toctree: generated/
   :template: class.rst

   First
   ~Second

Text.

.. autosummary::

   third
"""
    assert documented_names(text) == ["pkg.mod.First", "pkg.mod.Second", "pkg.mod.third"]


def test_public_names_are_found():
    names = public_names()
    # A few names that must be there whatever else changes.
    for name in [
        "skmetamorph.MetamorphosisClassifier",
        "skmetamorph.samplers.MUNGE",
        "skmetamorph.metrics.fidelity_score",
        "skmetamorph.base.BaseTransferSampler",
    ]:
        assert name in names
    assert "skmetamorph.base.BaseTransferSampler" in names["skmetamorph.BaseTransferSampler"]
    assert not any(name.split(".")[-1].startswith("__") for name in names)


def test_api_reference_lists_every_public_name():
    documented = set(documented_names())
    missing = sorted(name for name, accepted in public_names().items() if not accepted & documented)
    assert not missing, (
        f"Public names missing from {API_RST.relative_to(ROOT)} (add them to an autosummary "
        f"table under the right '.. currentmodule::'): {missing}"
    )


def test_api_reference_lists_only_public_names():
    public = set().union(*public_names().values())
    documented = documented_names()
    stale = sorted(name for name in documented if name not in public)
    assert not stale, (
        f"{API_RST.relative_to(ROOT)} lists names that are not public (not in their "
        f"module's __all__): {stale}"
    )
    duplicated = sorted({name for name in documented if documented.count(name) > 1})
    assert not duplicated, f"Listed more than once in api.rst: {duplicated}"


# --------------------------------------------------------- user-guide doctests
GUIDE_PAGES = sorted([DOCS / "getting_started.rst", *(DOCS / "user_guide").glob("*.rst")])


@pytest.mark.parametrize("page", GUIDE_PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_user_guide_snippets_run(page):
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
        report=True,
    )
    assert result.failed == 0, f"{result.failed} failing snippet(s) in {page.name}: see above"


# ------------------------------------------------------------ the built HTML
# CI sets this after building the docs: the checks of the built HTML must run
# then, never be skipped.
REQUIRE_BUILD = os.environ.get("SKMETAMORPH_DOCS_BUILT", "") not in ("", "0")


def _build_state():
    """Why the built-HTML checks cannot run, or None when they can."""
    # Sphinx rewrites .buildinfo at the end of every build, even one that
    # changed no page; index.html is only rewritten when it changes.
    stamp = HTML / ".buildinfo"
    if not (HTML / "index.html").is_file() or not stamp.is_file():
        return "the docs are not built (python -m sphinx -W -b html docs docs/_build/html)"
    built = stamp.stat().st_mtime
    sources = [
        *DOCS.rglob("*.rst"),
        *EXAMPLES.glob("*.py"),
        DOCS / "conf.py",
        *PACKAGE.rglob("*.py"),
    ]
    sources = [
        p
        for p in sources
        if not p.is_relative_to(DOCS / "_build")
        and not p.is_relative_to(DOCS / "auto_examples")
        and not p.is_relative_to(DOCS / "generated")
    ]
    newer = [p for p in sources if p.stat().st_mtime > built]
    if newer:
        return (
            f"the docs build is older than {len(newer)} source file(s), e.g. "
            f"{newer[0].relative_to(ROOT)}: rebuild to check it"
        )
    return None


def needs_build(test):
    """Run ``test`` on the built docs; skip it when there is no fresh build, unless CI."""

    def check_build():
        reason = _build_state()
        if reason is not None:
            if REQUIRE_BUILD:
                pytest.fail(f"SKMETAMORPH_DOCS_BUILT is set but {reason}")
            pytest.skip(reason)

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        check_build()
        return test(*args, **kwargs)

    return wrapper


EXAMPLE_SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))


def test_gallery_has_examples():
    names = {path.stem for path in EXAMPLE_SCRIPTS}
    assert {
        "plot_digits_few_labels",
        "plot_grid_search_temperature",
        "plot_rules_from_forest",
        "plot_surrogate_simulation",
        "plot_mnist_result",
    } <= names


@needs_build
@pytest.mark.parametrize("script", EXAMPLE_SCRIPTS, ids=lambda p: p.stem)
def test_built_gallery_example_has_its_figure(script):
    figure = HTML / "_images" / f"sphx_glr_{script.stem}_001.png"
    assert figure.is_file(), f"{script.name} drew no figure in the built docs ({figure})"
    page = HTML / "auto_examples" / f"{script.stem}.html"
    assert page.is_file(), f"no gallery page for {script.name}"
    assert f"sphx_glr_{script.stem}_001.png" in page.read_text(), (
        f"the page of {script.name} does not show its figure"
    )


@needs_build
def test_built_api_pages_exist():
    api_page = (HTML / "api.html").read_text()
    missing, unlinked = [], []
    for name, accepted in sorted(public_names().items()):
        pages = [HTML / "generated" / f"{candidate}.html" for candidate in sorted(accepted)]
        page = next((p for p in pages if p.is_file()), None)
        if page is None:
            missing.append(name)
        elif f"generated/{page.name}" not in api_page:
            unlinked.append(name)
    assert not missing, f"public names without an API page in the built docs: {missing}"
    assert not unlinked, f"API pages not linked from api.html: {unlinked}"


_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


@needs_build
def test_built_math_renders_offline():
    # The soft-labels page has formulas; MathJax must come from the build's own
    # _static folder (sphinx-mathjax-offline), not from a CDN.
    page = HTML / "user_guide" / "soft_labels.html"
    html = page.read_text()
    assert 'class="math' in html, f"{page.name} shows no formula: is it still the math page?"
    sources = _SCRIPT_SRC.findall(html)
    remote = [src for src in sources if re.match(r"(https?:)?//", src)]
    assert not remote, f"{page.name} loads scripts from the network: {remote}"
    mathjax = [src for src in sources if "mathjax" in src.lower()]
    assert mathjax, f"{page.name} loads no MathJax script: {sources}"
    for src in mathjax:
        path = (page.parent / src.split("?")[0]).resolve()
        assert path.is_relative_to(HTML / "_static"), f"MathJax is not under _static: {src}"
        assert path.is_file(), f"{page.name} loads {src}, which the build does not have"
    # MathJax's CommonHTML output loads its fonts from beside the script.
    fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), f"no MathJax fonts in {fonts}"


_LINK_HREF = re.compile(r"<link\b[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE)


@needs_build
def test_no_built_page_loads_css_or_js_from_the_network():
    # The pages work offline: no script or stylesheet from a CDN (the
    # sg_execution_times pages of sphinx-gallery loaded DataTables from one;
    # write_computation_times=False leaves them out).
    assert not list(HTML.rglob("sg_execution_times.html"))
    remote = {}
    for page in HTML.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        links = [
            href
            for href in _LINK_HREF.findall(html)
            if re.search(r"\.(css|js)\b", href) and re.match(r"(https?:)?//", href)
        ]
        scripts = [src for src in _SCRIPT_SRC.findall(html) if re.match(r"(https?:)?//", src)]
        if links or scripts:
            remote[str(page.relative_to(HTML))] = links + scripts
    assert not remote, f"pages that load CSS or JS from the network: {remote}"


@needs_build
def test_built_api_page_toc_gives_whole_member_names():
    # The "On this page" list names members without their class, so that a
    # long name fits the sidebar ("predict_log_proba()"), and custom.css lets a
    # name that does not fit wrap instead of being cut.
    html = (HTML / "generated" / "skmetamorph.MetamorphosisClassifier.html").read_text()
    toc = html[html.index('id="pst-page-toc-nav"') :]
    toc = toc[: toc.index("</nav>")]
    entries = re.findall(r'<span class="pre">([^<]*)</span>', toc)
    assert "predict_log_proba()" in entries, entries
    assert not [e for e in entries if e.startswith("MetamorphosisClassifier.")], entries
    css = (HTML / "_static" / "custom.css").read_text()
    assert ".page-toc .toc-entry span.pre" in css


INSTALL_TEXTS = [
    ROOT / "README.md",
    *DOCS.glob("*.rst"),
    *(DOCS / "user_guide").glob("*.rst"),
    PACKAGE / "torch" / "__init__.py",
]


@pytest.mark.parametrize("path", INSTALL_TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_install_instructions_work_from_a_checkout(path):
    # skmetamorph is not published: wherever a text names the published form of
    # an extra (pip install "skmetamorph[torch]"), it also gives the form that
    # works from a checkout (pip install -e ".[torch]").
    text = path.read_text()
    for extra in sorted(set(re.findall(r"skmetamorph\[([\w,]+)\]", text))):
        assert f'pip install -e ".[{extra}]"' in text, (
            f'{path.relative_to(ROOT)} says pip install "skmetamorph[{extra}]" without the '
            f'form that works from a checkout, pip install -e ".[{extra}]"'
        )


def test_readme_result_sections_are_generated_from_the_committed_json():
    # README numbers come from committed results, never typed by hand: the
    # sections between the markers are exactly what the renderer writes.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "render_readme", ROOT / "benchmarks" / "render_readme.py"
    )
    render_readme = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_readme)
    readme = render_readme.README.read_text()
    for name in render_readme.SECTIONS:
        assert render_readme.render(name) in readme, f"README section {name!r} is stale"
