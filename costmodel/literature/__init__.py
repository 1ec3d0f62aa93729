"""Published data: every printed cost, accuracy and latency (data/published/), the accuracy
model fitted on it, and the budget frontier.
"""
