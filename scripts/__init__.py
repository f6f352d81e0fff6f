"""Maintenance scripts; the benchmark runs as ``python -m scripts.bench``."""
