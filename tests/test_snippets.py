"""Every code block of the README and of the documentation pages runs as written.

The ``>>>`` snippets of the user guide are doctests (``tests/test_docs.py``).
This module runs the other blocks, each on its own as a reader pastes it:

- the ```` ```python ```` blocks of ``README.md``;
- the ``.. code-block:: python`` (``.. code::``, ``.. sourcecode::``) blocks of
  the pages in ``docs/`` and ``docs/user_guide/``.

Each block runs in a fresh namespace, so it must bring its own imports and
data. A block that needs an optional dependency (torch and skorch, Dask,
pandas) is skipped, with the reason, when it is missing. Where a block
prints something and says what in a comment (``print(x)   # "text ..."``),
the printed output must contain that text (the parts around ``...``).

A block written as a script, with an ``if __name__ == "__main__":`` guard
(the Dask ones: a local cluster's worker processes import the file again), is
written to a file and run as ``python file.py`` in a new process, exactly as
the reader runs it: nothing in its text is replaced.
"""

import ast
import contextlib
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# sg_execution_times.rst is written by sphinx-gallery during a build.
PAGES = sorted(
    page
    for page in [*DOCS.glob("*.rst"), *(DOCS / "user_guide").glob("*.rst")]
    if page.name != "sg_execution_times.rst"
)

# What to install for an optional module a block imports.
EXTRAS = {
    "torch": "the torch extra: pip install torch==2.13.0 (where that local CPU build exists), "
    'then pip install -e ".[torch]"',
    "skorch": 'the torch extra: pip install -e ".[torch]"',
    "dask": 'the dask extra: pip install -e ".[dask]"',
    "distributed": 'the dask extra: pip install -e ".[dask]"',
    "pandas": 'pandas (in the test extra: pip install -e ".[test]")',
    "matplotlib": 'matplotlib (in the test extra: pip install -e ".[test]")',
    "imblearn": 'the imbalanced extra: pip install -e ".[imbalanced]"',
    "ctgan": 'the deep extra: pip install -e ".[deep]"',
    "copulas": 'the deep extra: pip install -e ".[deep]"',
}
# Optional modules a block needs without importing them.
IMPLICIT = {"as_frame=True": "pandas", ".to_frame(": "pandas"}


class Block:
    """One code block: where it is, its language and its source."""

    def __init__(self, path, line, language, source):
        self.path, self.line, self.language, self.source = path, line, language, source

    @property
    def id(self):
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def __repr__(self):
        return f"Block({self.id}, {self.language!r})"


# ------------------------------------------------------------------- parsing
_FENCE = re.compile(r"^(\s*)```\s*([\w+-]*)\s*$")


def markdown_blocks(path, text=None):
    """Fenced blocks of a Markdown file, with their language ('' when none)."""
    lines = (path.read_text() if text is None else text).splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, language = match.groups()
        start, i = i + 1, i + 1
        while i < len(lines) and lines[i].strip() != "```":
            i += 1
        body = [line[len(indent) :] for line in lines[start:i]]
        blocks.append(Block(path, start + 1, language.lower(), "\n".join(body) + "\n"))
        i += 1
    return blocks


_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode)::\s*(\S*)\s*$")


def rst_blocks(path, text=None):
    """``code-block`` directives of a reStructuredText file, with their language."""
    lines = (path.read_text() if text is None else text).splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        i += 1
        if not match:
            continue
        indent, language = len(match.group(1)), match.group(2).lower()
        # Options (":linenos:" ...), then the content: every line indented
        # deeper than the directive, blank lines included.
        while i < len(lines) and lines[i].strip().startswith(":") and _indent(lines[i]) > indent:
            i += 1
        start = i
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            i += 1
        body = textwrap.dedent("\n".join(lines[start:i])).strip("\n")
        first = start + next((k for k, line in enumerate(lines[start:i]) if line.strip()), 0)
        blocks.append(Block(path, first + 1, language, body + "\n"))
    return blocks


def _indent(line):
    return len(line) - len(line.lstrip())


def python_blocks():
    blocks = [b for b in markdown_blocks(README) if b.language in ("python", "py")]
    for page in PAGES:
        blocks += [b for b in rst_blocks(page) if b.language in ("python", "py", "python3")]
    return blocks


BLOCKS = python_blocks()


# --------------------------------------------------------------- the parsers
def test_markdown_parser():
    text = "intro\n\n```python\nx = 1\n\ny = 2\n```\n\n```bash\nls\n```\n\n```\nplain\n```\n"
    blocks = markdown_blocks(README, text)
    assert [(b.language, b.source, b.line) for b in blocks] == [
        ("python", "x = 1\n\ny = 2\n", 4),
        ("bash", "ls\n", 10),
        ("", "plain\n", 14),
    ]


def test_rst_parser():
    text = textwrap.dedent(
        """\
        Text:

        .. code-block:: python
           :caption: a caption

           import os

           if os:
               x = 1

        More text.

        - item

          .. code-block:: text

             not python
        """
    )
    blocks = rst_blocks(README, text)
    assert [(b.language, b.source, b.line) for b in blocks] == [
        ("python", "import os\n\nif os:\n    x = 1\n", 6),
        ("text", "not python\n", 17),
    ]


def test_blocks_are_found():
    ids = {block.id.split(":")[0] for block in BLOCKS}
    assert {
        "README.md",
        "docs/index.rst",
        "docs/user_guide/gpu.rst",
        "docs/user_guide/scaling.rst",
    } <= ids
    assert sum(block.path == README for block in BLOCKS) >= 7


def test_every_code_block_names_its_language():
    # An untagged block would escape the runs below (and lose its highlighting).
    untagged = [b.id for b in markdown_blocks(README) if not b.language]
    for page in PAGES:
        untagged += [b.id for b in rst_blocks(page) if not b.language]
    assert not untagged, f"code blocks without a language: {untagged}"


# ------------------------------------------------------------------ the runs
def _imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]
            if node.module.startswith("skmetamorph.torch"):
                yield from ("torch", "skorch")


def _missing_requirement(block, tree):
    """Why ``block`` cannot run here (an optional module is missing), or None."""
    needed = list(dict.fromkeys(_imported_modules(tree)))
    needed += [module for marker, module in IMPLICIT.items() if marker in block.source]
    for module in needed:
        if module in EXTRAS and importlib.util.find_spec(module) is None:
            return f"{block.id} needs {module}, which is not installed; install {EXTRAS[module]}"
    return None


# ``print(x)   # "text ... more text"``: what the block says it prints.
_CLAIM = re.compile(r"^\s*print\(.*\)\s*#\s*\"(.*)\"\s*$")


def _claims(source):
    return [match.group(1) for line in source.splitlines() if (match := _CLAIM.match(line))]


@contextlib.contextmanager
def _one_torch_thread():
    # As in test_torch.py: tiny nets gain nothing from threads, and on a busy
    # 2-core machine torch's spinning worker threads make them many times slower.
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# Warnings a block must not print on a reader's first run.
_WARNING = "sklearn.exceptions.ConvergenceWarning"

_SCRIPT_GUARD = re.compile(r"^if __name__ == [\"']__main__[\"']:", re.MULTILINE)


def _is_script(source):
    """Whether a block is a script to run as a file (it has a ``__main__`` guard)."""
    return bool(_SCRIPT_GUARD.search(source))


def _check_claims(block, printed):
    for claim in _claims(block.source):
        for part in filter(None, (piece.strip() for piece in claim.split("..."))):
            assert part in printed, f"{block.id} says it prints {claim!r}, but printed:\n{printed}"


def _run_as_script(block, tmp_path):
    # As the reader runs it: the text as it stands, in a file, in a new
    # process; this checkout's package first on the path.
    script = tmp_path / "snippet.py"
    script.write_text(block.source)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-W", f"error::{_WARNING}", str(script)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=240,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(
            f"{block.id}, run as `python file.py`, did not finish in 240 s:\n"
            f"{error.stdout}\n{error.stderr}"
        )
    assert result.returncode == 0, (
        f"{block.id}, run as `python file.py`, failed:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def test_script_blocks_are_found():
    # The Dask blocks are scripts: run in a new process, with their text as is.
    scripts = [block.id for block in BLOCKS if _is_script(block.source)]
    assert any(name.startswith("README.md") for name in scripts)
    assert any(name.startswith("docs/user_guide/scaling.rst") for name in scripts)
    assert not _is_script("x = 1\n# if __name__ == '__main__':\n")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_code_block_runs_as_written(block, capsys, tmp_path):
    tree = ast.parse(block.source, filename=block.id)
    reason = _missing_requirement(block, tree)
    if reason:
        pytest.skip(reason)
    if _is_script(block.source):
        _check_claims(block, _run_as_script(block, tmp_path))
        return
    namespace = {"__name__": "__main__"}
    with contextlib.ExitStack() as stack:
        # A reader's first run should be clean: no ConvergenceWarning.
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("error", ConvergenceWarning)
        if "torch" in _imported_modules(tree):
            stack.enter_context(_one_torch_thread())
        exec(compile(tree, block.id, "exec"), namespace)
    _check_claims(block, capsys.readouterr().out)
