"""`make bench`: speed and memory figures at catalogue scale, with anchors measured in the same run.

See ``bench/README.md`` for how to run it and how to read the figures.
"""
