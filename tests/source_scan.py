"""Reading inspectlib's own source: which string literals are words for people."""

from __future__ import annotations

import ast


def docstrings_and_logs(tree: ast.AST) -> set[int]:
    """``id()`` of every string constant in ``tree`` that is documentation (a docstring) or
    for developers (inside a logging call, a ``ValueError`` or ``TypeError``)."""
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for item in body:
                if isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
                    skip.add(id(item.value))  # docstrings (of modules, classes, attributes)
        if isinstance(node, ast.Call):
            func = node.func
            owner = getattr(getattr(func, "value", None), "id", "")
            raised = isinstance(func, ast.Name) and func.id in ("ValueError", "TypeError")
            if owner in ("log", "logger", "logging") or raised:
                skip.update(id(n) for n in ast.walk(node))  # for developers
    return skip
