"""Benchmarks that measure Leitai beside its ceiling in the same run.

Run ``python -m bench NAME`` (or ``all``); see ../shared/PERFORMANCE.md and
docs/performance.md for the rules and the figures.
"""
