"""The vocabulary every layer shares: operation, role and latency kinds, the papers' symbols,
strict number parsing, the shipped data folder, and escaping for each output format.
"""
