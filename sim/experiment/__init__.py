"""Experiments over the model: the runner (scenario and baseline), the Result and its summary."""
