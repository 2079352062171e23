"""The constraint matrix: one named block per family, in the catalogue's senses, rows in order."""

import numpy as np
import pytest

from devolve.core import Stage
from devolve.core.limits import CATALOGUE, Family
from devolve.optimise.matrix import EQ, GE, LE
from devolve.optimise.model import build_model
from devolve.testing import one_service_council as tiny
from devolve.testing import synthetic_assessment

SENSE = {"<=": LE, ">=": GE, "=": EQ}


@pytest.fixture(scope="module")
def matrix():
    a = synthetic_assessment(8, 4, seed=3)
    a = a.replace(scenario=a.scenario.replace(offer="uniform", min_devolved_per_neighbourhood=1))
    return build_model(a).matrix


def test_every_family_is_one_block_of_rows_in_its_catalogue_sense(matrix):
    assert set(matrix.blocks) == set(Family)
    stops = 0
    for family, block in matrix.blocks.items():
        assert block.start == stops
        stops = block.stop
        assert (matrix.sense[block.start:block.stop] == SENSE[CATALOGUE[family].sense.value]).all()
    assert stops == matrix.n_rows == len(matrix.row_names())


def test_per_neighbourhood_rows_name_their_neighbourhood(matrix):
    capacity = matrix.blocks[Family.CAPACITY]
    assert [capacity.neighbourhood(i) for i in range(capacity.start, capacity.stop)] == ["N001", "N002", "N003", "N004"]
    assert matrix.blocks[Family.TRANSITION_BUDGET].neighbourhood(matrix.blocks[Family.TRANSITION_BUDGET].start) is None
    assert matrix.block_of(capacity.start + 1) is capacity


def test_new_right_hand_sides_share_the_rest(matrix):
    changed = matrix.with_rhs(Family.EQUITY, 3.0)
    block = matrix.blocks[Family.EQUITY]
    assert (changed.rhs[block.start:block.stop] == 3.0).all()
    assert np.array_equal(np.delete(changed.rhs, range(block.start, block.stop)),
                          np.delete(matrix.rhs, range(block.start, block.stop)))
    assert changed.data is matrix.data and changed.indices is matrix.indices


def test_row_totals_are_a_times_x(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 3, Stage.DESIGN: 3})
    mat = build_model(a).matrix
    x = np.zeros(mat.n_cols)
    x[0] = 1  # the first option: the first activity (design, as the chain runs) solo in N1
    totals = mat.row_totals(x)
    assert totals[mat.blocks[Family.TRANSITION_BUDGET].start] == 0  # its own set-up is a rate of 0
    assert totals[mat.blocks[Family.ONE_CONFIGURATION].start] == 1
    assert totals[mat.blocks[Family.PARTNERSHIP].start] == 1  # the option needs its partnership
    x[mat.z0] = 1  # the service's solo partnership in N1: its fee paid once
    totals = mat.row_totals(x)
    assert totals[mat.blocks[Family.TRANSITION_BUDGET].start] == pytest.approx(1000)
    assert totals[mat.blocks[Family.PARTNERSHIP].start] == 0
