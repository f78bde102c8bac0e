"""The browser page for the class (`sim app`): pick a scenario, move the sliders, add events live, watch.

A layer beside sim/cli, over the same Python API. `session.py` holds one browser session's game and
knows nothing of the page; `page.py` is the Solara page (needs the optional `app` extra).
"""
