"""Files in and out: the only place devolve reads or writes a file.

* :mod:`~devolve.io.guard` refuses dangerous or hopeless files before any parser sees them;
* :mod:`~devolve.io.grid` reads sheets as cells, :mod:`~devolve.io.sheets` checks them row by
  row, :mod:`~devolve.io.read` puts the assessment together (``read_assessment``, ``find_problems``);
* :mod:`~devolve.io.write` and :mod:`~devolve.io.xlsx` write workbooks people read,
  :mod:`~devolve.io.template` the blank template;
* :mod:`~devolve.io.toml` reads rubric and scenario files, :mod:`~devolve.io.resources` finds the
  files devolve ships with.
"""
