"""inspectlib: plan, map, run and report labour-inspection campaigns."""

__version__ = "0.1.0"
