"""Benchmarks; importable so tests can share their helpers (tests/test_jupyterlab.py uses bench.lab_step)."""
