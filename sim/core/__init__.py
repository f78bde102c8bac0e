"""The numerical core: pure numpy kernels (dynamics, landscape) and the plain types the rest is built on.

Nothing here reads files, prints, or imports anything else from the package but sim.errors.
"""
