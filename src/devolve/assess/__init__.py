"""From an inventory to an assessment: decomposition, retention, capacity, and the whole put together.

Pure functions over the core's records: no files, no solver.
"""
