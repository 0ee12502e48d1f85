"""Benchmarks that print figures (not tests): `python -m bench --ideas 100000 [--db postgresql]`."""
