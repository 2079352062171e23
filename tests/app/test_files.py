"""Download names made from what users typed: never a path, never a name a file system refuses."""

import pytest

from devolve.app.files import download_name


@pytest.mark.parametrize("typed, name", [
    ("Calderbridge 2027", "Calderbridge 2027.xlsx"),
    ("../../etc/passwd", "etc passwd.xlsx"),
    ("a:b*c?<d>|e\\f", "a b c d e f.xlsx"),
    ("CON", "devolve CON.xlsx"),
    ("  .hidden. ", "hidden.xlsx"),
    ("line\nbreak\ttab", "line break tab.xlsx"),
    ("", "devolve.xlsx"),
])
def test_a_typed_name_becomes_a_safe_file_name(typed, name):
    assert download_name(typed, ".xlsx") == name


def test_a_long_name_is_cut_before_the_suffix():
    assert download_name("x" * 300, ".docx") == "x" * 100 + ".docx"
