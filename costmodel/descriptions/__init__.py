"""Network descriptions: the table schema, the builders' width rules, timm's block strings,
the built-in networks (their CSV files are in data/networks/) and a configuration's checks.
"""
