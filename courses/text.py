"""Accent folding lives in elearning.text; this name stays only for assessments/demo.py, which
imports it from here until the demo data moves to demo/ (then delete this module)."""

from elearning.text import fold  # noqa: F401
