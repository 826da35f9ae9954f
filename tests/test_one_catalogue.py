"""One catalogue: no module outside the catalogue holds words shown to people.

Every Chinese string literal in ``inspectlib/`` must live in ``inspectlib/catalogue/*.yaml``,
except in the modules that hold input formats and data (Chinese headers and values users type,
legal citations, the national industry standard's names, the synthetic demo's vocabulary).
Docstrings and developers' messages (log calls, ValueError) are not counted.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import inspectlib
from tests.source_scan import docstrings_and_logs

PACKAGE = Path(inspectlib.__file__).parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")

DATA_MODULES = {
    "schema.py": "input columns: the Chinese headers users' files carry",
    "headers.py": "input columns: header aliases",
    "values.py": "input values users type (是/否, 合格 …)",
    "campaigns.py": "checklists: items and their legal bases, cited exactly",
    "industry.py": "GB/T 4754 section names, as the standard writes them",
    "demo": "the synthetic demo region's names and vocabulary",
}


def chinese_literals(path: Path) -> list[str]:
    """``line: text`` of every Chinese string literal in ``path`` (documentation and
    developers' messages aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = docstrings_and_logs(tree)
    return [
        f"{node.lineno}: {node.value[:40]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and CHINESE.search(node.value)
    ]


def _is_data(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] in DATA_MODULES


def test_words_live_in_the_catalogue():
    found = {
        str(path.relative_to(PACKAGE)): hits
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _is_data(path) and (hits := chinese_literals(path))
    }
    assert found == {}, "move these words into inspectlib/catalogue/*.yaml: " + repr(found)


def test_the_check_finds_a_chinese_literal(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""文档。"""\n\nTITLE = "检查计划"\n', encoding="utf-8")
    assert chinese_literals(module) == ["3: '检查计划'"]
