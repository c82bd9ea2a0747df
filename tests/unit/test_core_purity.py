"""Each layer imports only what it owns: the core knows nothing of Textual or the network.

Checked two ways: statically (no module of a core package names a forbidden package in an
import), and dynamically (importing every core module in a fresh interpreter loads none).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_engine import ROOT

PACKAGE = ROOT / "moderator"
CORE_LAYERS = ("programme", "session", "report")
FORBIDDEN_IN_CORE = ("textual", "aiohttp", "moderator.tui", "moderator.share", "moderator.commands", "moderator.cli")


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", CORE_LAYERS)
def test_no_core_module_imports_a_face(layer):
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(layer)
        for name in _imported_names(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IN_CORE)
    }
    assert not offenders, sorted(offenders)


def test_importing_the_whole_core_loads_no_ui_or_network_code():
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for layer in CORE_LAYERS for path in _modules(layer)
    ]
    code = (
        f"import {', '.join(modules)}, sys\n"
        "loaded = [m for m in ('textual', 'aiohttp') if m in sys.modules]\n"
        "assert not loaded, f'the core loaded {loaded}'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
