"""A run's Result: the runner, summaries, attribution, bands, and the result folder writer."""
