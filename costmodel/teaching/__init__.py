"""Teaching: the lesson, the exercises, step-by-step derivations and a published mistake
disproved.
"""
