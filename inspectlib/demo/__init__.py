"""Synthetic demo region (SYNTHETIC DATA): towns, firms, roster, past findings, hidden truth.

:func:`build_demo_region` writes a complete, deterministic set of input files of a fictional
county-level city (10 towns, ~20,000 firms, 48 inspectors, three years of findings) plus
``truth.parquet``, the hidden per-firm violation probabilities that benchmarks score
targeting against. Modules: :mod:`~inspectlib.demo.vocab` (fixed vocabularies),
:mod:`~inspectlib.demo.world` (towns, firms, warning points), :mod:`~inspectlib.demo.history`
(past inspections), :mod:`~inspectlib.demo.people` (roster), :mod:`~inspectlib.demo.weather`,
:mod:`~inspectlib.demo.files` (writers) and :mod:`~inspectlib.demo.build`.
"""

from inspectlib.demo.build import DemoRegion, build_demo_region
from inspectlib.demo.vocab import VIOLATION_CODES

__all__ = ["DemoRegion", "VIOLATION_CODES", "build_demo_region"]
