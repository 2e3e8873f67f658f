"""Benchmarks of the bot: ratios against a baseline run in the same process (see bench/run.py)."""
