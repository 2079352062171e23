"""The command line's commands, one module each, with ``add_parser(subparsers)`` and
``run(args) -> int``; each is a thin shell over :mod:`devolve.usecases`."""
