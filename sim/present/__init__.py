"""Presentation: figures, and the report rendered to the terminal, HTML and SVG."""
