"""A wheel built from the checkout, installed elsewhere, finds its own rubric and sample and works.

The wheel goes into a fresh virtual environment that borrows only the third-party packages of
the one running the tests, and is run from a folder outside the checkout: nothing can be found
by walking up a source tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                              "tests")


def run(*args, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.slow
def test_an_installed_wheel_works_outside_the_checkout(tmp_path, sample_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=SKIP)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist",
                source, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("devolve-*.whl")

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
                .stdout.strip())
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run(python, "-m", "pip", "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = run(python, "-c", "import devolve; print(devolve.__file__)", cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(env), where.stdout + where.stderr
    devolve = env / "bin" / "devolve"
    template = run(devolve, "template", "blank.xlsx", cwd=work)
    assert template.returncode == 0, template.stderr
    assert (work / "blank.xlsx").stat().st_size > 0
    shutil.copy(sample_path, work / "council.xlsx")
    assessed = run(devolve, "assess", "council.xlsx", "--out", "plan.xlsx", cwd=work)
    assert assessed.returncode == 0, assessed.stderr
    assert "Status: " in assessed.stdout and (work / "plan.xlsx").exists()
    sample = run(python, "-c", "from devolve.usecases import sample_assessment; print(len(sample_assessment()[0].services))",
                 cwd=work)
    assert sample.stdout.strip() == "49", sample.stderr
    kept = run(devolve, "workspace", "import", "council.xlsx", cwd=work,
               env={"PATH": "/usr/bin:/bin", "DEVOLVE_WORKSPACE": str(work / "workspace.sqlite")})
    assert kept.returncode == 0 and "Kept 'council'" in kept.stdout, kept.stderr  # its migrations came along
