"""Figures, each drawn from a Result; no model code. matplotlib is imported only here."""
