"""The cost core: one cost rule per operation kind, networks as graphs of operations (block
types written once, as data), exact integer counts, closed forms, formulas and sweeps.
"""
