"""Benchmarks, built on the assistant: cold starts, warm latency by stage, throughput, index builds,
memory and retrieval on synthetic corpora, each printed against its target."""

from .runner import DEFAULT_SIZES, QUICK_SIZES, BenchOptions, format_table, run, targets

__all__ = ["DEFAULT_SIZES", "QUICK_SIZES", "BenchOptions", "format_table", "run", "targets"]
