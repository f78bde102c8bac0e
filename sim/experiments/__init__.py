"""Experiments over many runs: sweep and sensitivity designs, evaluation and analysis."""
