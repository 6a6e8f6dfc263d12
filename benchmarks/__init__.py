"""Benchmarks of specloom itself (run.py) and against a peer generator (peers.py)."""
