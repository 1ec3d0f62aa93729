"""Hardware: memory, the latency model, device profiles (built-in ones are data in
data/profiles/), their fits, and calibration on this machine.
"""
