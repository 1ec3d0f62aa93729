"""Teaching: the lesson, the exercises (with a printable worksheet), step-by-step derivations, a
published mistake disproved (kernel scaling), and the evidence on a printed table that no
counting rule reproduces (MnasNet-A1's README).
"""
