"""devolve: decide which parts of a council's services to devolve to neighbourhoods, and how."""

__version__ = "0.1.0"
