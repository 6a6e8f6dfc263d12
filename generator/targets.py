"""What a job can generate, each into its own folder of the output, in the order a build plans them.

A module of its own so the command line and the config know the targets without importing the
planner (see pipeline.py: the stages are imported once a build starts).
"""

TARGETS = ("python", "docs")
