"""docs/RELIABILITY.md stays true: every attack in its table has a test, every attack test is
in its table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "RELIABILITY.md"


def table_ids() -> list[str]:
    return re.findall(r"^\| ([A-Z]\d\d?) \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)


def marked_ids() -> dict[str, list[str]]:
    """Attack id -> the tests marked ``@pytest.mark.attack("<id>")``, read from the sources."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr == "attack" and decorator.args
                        and isinstance(decorator.args[0], ast.Constant)):
                    found.setdefault(str(decorator.args[0].value), []).append(f"{path.name}::{node.name}")
    return found


def test_the_table_lists_each_attack_once():
    ids = table_ids()
    assert len(ids) >= 20
    assert len(ids) == len(set(ids))


def test_every_attack_in_the_table_has_a_test():
    marked = marked_ids()
    assert [attack for attack in table_ids() if attack not in marked] == []


def test_every_attack_test_is_in_the_table():
    assert sorted(set(marked_ids()) - set(table_ids())) == []
