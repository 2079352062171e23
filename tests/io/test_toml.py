import pytest

from devolve.core import CRITERIA, STAGES, ServiceType
from devolve.core.problems import InvalidInput, ProblemCode
from devolve.io.resources import bundled_rubrics, rubric_file
from devolve.io.toml import load_rubric


@pytest.mark.parametrize("path", bundled_rubrics(), ids=lambda p: p.name)
def test_every_shipped_rubric_loads(path):
    rubric = load_rubric(path)
    assert set(rubric.criteria) == set(CRITERIA)
    assert set(rubric.service_types) == set(ServiceType)
    assert set(rubric.stages) == set(STAGES)
    assert len(rubric.outcome_frameworks) >= 2
    for criterion in rubric.criteria.values():
        assert [lv.value for lv in criterion.levels] == list(rubric.levels)
        assert all(lv.descriptor and lv.guiding_questions for lv in criterion.levels)


def test_neutral_level_means_no_change_from_todays_scale():
    rubric = load_rubric()
    for criterion in rubric.criteria.values():
        neutral = next(lv for lv in criterion.levels if lv.value == rubric.neutral)
        assert "today" in neutral.descriptor.lower()


def _broken(tmp_path, old, new):
    text = rubric_file().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_cost_split_not_adding_to_one_is_named(tmp_path):
    path = _broken(tmp_path, "delivery = 0.65", "delivery = 0.75")
    with pytest.raises(InvalidInput) as exc:
        load_rubric(path)
    (problem,) = exc.value.report.errors
    assert problem.code == ProblemCode.RUBRIC
    assert problem.file == "broken.toml"
    assert "service_types.transactional.cost_split" in problem.column
    assert "add up to 1.1" in problem.message


def test_unknown_stage_in_coherence_rule_is_named(tmp_path):
    path = _broken(tmp_path, 'requires = "management"', 'requires = "managment"')
    with pytest.raises(InvalidInput) as exc:
        load_rubric(path)
    assert any("coherence.0.requires" in (p.column or "") for p in exc.value.report.errors)


def test_not_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("this is = = not toml", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        load_rubric(path)
    assert "not valid TOML" in exc.value.report.errors[0].message


def test_missing_neutral_anchor_is_refused(tmp_path):
    path = _broken(tmp_path, "neutral = 2", "neutral = 4")
    with pytest.raises(InvalidInput) as exc:
        load_rubric(path)
    assert "strictly between" in exc.value.report.errors[0].message
