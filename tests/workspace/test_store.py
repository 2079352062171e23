"""The workspace keeps what people enter, on SQLite and on PostgreSQL, and loses none of it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from devolve.core.terms import Consensus, Criterion, Stage
from devolve.io.read import read_assessment
from devolve.io.write import write_workbook
from devolve.workspace import tables as t
from devolve.workspace.store import Conflict, Locked, NameTaken, NotFound, ScoreEdit, Workspace

OUTCOMES = Criterion.OUTCOMES


def edit(value, assessor="Sam", service="ASC02", stage=Stage.DELIVERY, criterion=OUTCOMES, **notes):
    return ScoreEdit(service, stage, criterion, assessor, value, **notes)


def test_an_imported_assessment_reads_back_as_it_was_read(imported, sample):
    opened = imported.open("Calderbridge draft")
    assert opened.assessment == sample
    assert opened.revision == 1 and not opened.locked


def test_workbook_to_workspace_to_workbook_keeps_the_content(imported, sample_path, tmp_path):
    from openpyxl import load_workbook

    imported.open("Calderbridge draft")
    exported = tmp_path / "exported.xlsx"
    write_workbook(imported.open("Calderbridge draft").assessment, exported)
    direct = tmp_path / "direct.xlsx"
    original = read_assessment(sample_path)[0]
    write_workbook(original, direct)
    assert read_assessment(exported)[0] == original
    ours, theirs = load_workbook(exported), load_workbook(direct)
    assert ours.sheetnames == theirs.sheetnames
    for sheet in ours.sheetnames:
        assert [[c.value for c in row] for row in ours[sheet].iter_rows()] == \
               [[c.value for c in row] for row in theirs[sheet].iter_rows()], sheet


def test_defaults_are_not_stored_but_come_back_from_the_rubric(imported, sample):
    with imported.engine.connect() as c:
        kept = c.scalar(select(func.count()).select_from(t.scores))
    assessed = sum(1 for a in sample.activities for s in a.scores if s.source.value == "assessed")
    assert kept == assessed < sum(len(a.scores) for a in sample.activities)


def test_a_score_edit_is_audited_with_its_old_and_new_value(imported):
    opened = imported.open("Calderbridge draft")
    first = imported.record_scores("Calderbridge draft", [edit(1, rationale="a pilot in Eastfield failed")],
                                   seen=opened.revision, by="Sam")
    imported.record_scores("Calderbridge draft", [edit(3, rationale="the second pilot worked")], seen=first, by="Sam")
    latest = imported.changes("Calderbridge draft")
    value = next(c for c in latest if c.field == "value")
    assert (value.by, value.subject, value.target, value.old, value.new) == (
        "Sam", "score", "ASC02 · delivery · outcomes · Sam", 1, 3)
    reason = next(c for c in latest if c.field == "rationale")
    assert (reason.old, reason.new) == ("a pilot in Eastfield failed", "the second pilot worked")
    added = next(c for c in latest if c.action == "added")
    assert added.new["value"] == 1
    activity = next(a for a in imported.open("Calderbridge draft").assessment.activities
                    if a.activity_id == "ASC02:delivery")
    sams = [s for s in activity.scores_for(OUTCOMES) if s.assessor == "Sam"]
    assert [(s.value, s.rationale) for s in sams] == [(3, "the second pilot worked")]


def test_a_score_keeps_who_entered_it_and_when(imported):
    imported.record_scores("Calderbridge draft", [edit(2)], seen=1, by="Sam")
    with imported.engine.connect() as c:
        row = c.execute(select(t.scores).where(t.scores.c.assessor == "Sam")).mappings().one()
    assert row["scored_by"] == "Sam" and row["scored_at"] is not None


def test_withdrawing_a_score_brings_back_the_others_consensus(imported, sample):
    revision = imported.record_scores("Calderbridge draft", [edit(4)], seen=1, by="Sam")
    imported.record_scores("Calderbridge draft", [edit(None)], seen=revision, by="Sam")
    assert imported.open("Calderbridge draft").assessment == sample


def test_a_bad_score_is_refused_and_nothing_is_written(imported):
    from devolve.workspace.location import WorkspaceError

    with pytest.raises(WorkspaceError, match="whole level from 0 to 4, not 7"):
        imported.record_scores("Calderbridge draft", [edit(2, assessor="Jo"), edit(7)], seen=1)
    with pytest.raises(WorkspaceError, match="no service 'NOPE'"):
        imported.record_scores("Calderbridge draft", [edit(2, service="NOPE")], seen=1)
    assert imported.open("Calderbridge draft").revision == 1


class TestTwoOfficersAtOnce:
    def test_the_second_writer_of_the_same_score_gets_a_conflict_naming_the_first(self, imported, workspace_url):
        with Workspace(workspace_url) as other:
            mine, theirs = imported.open("Calderbridge draft"), other.open("Calderbridge draft")
            imported.record_scores("Calderbridge draft", [edit(1)], seen=mine.revision, by="Sam")
            with pytest.raises(Conflict) as caught:
                other.record_scores("Calderbridge draft", [edit(4)], seen=theirs.revision, by="Sam on a laptop")
            message = str(caught.value)
            assert "Sam changed score ASC02 · delivery · outcomes · Sam" in message
            assert "nothing of yours was saved" in message
            assert caught.value.changes[0].new["value"] == 1
            again = other.open("Calderbridge draft")  # re-read, then re-apply
            other.record_scores("Calderbridge draft", [edit(4)], seen=again.revision, by="Sam on a laptop")
        activity = next(a for a in imported.open("Calderbridge draft").assessment.activities
                        if a.activity_id == "ASC02:delivery")
        assert [s.value for s in activity.scores_for(OUTCOMES) if s.assessor == "Sam"] == [4]

    def test_officers_scoring_side_by_side_never_collide(self, imported, workspace_url):
        with Workspace(workspace_url) as other:
            seen = imported.open("Calderbridge draft").revision
            imported.record_scores("Calderbridge draft", [edit(1, assessor="Sam")], seen=seen, by="Sam")
            other.record_scores("Calderbridge draft", [edit(3, assessor="Jo")], seen=seen, by="Jo")
        activity = next(a for a in imported.open("Calderbridge draft").assessment.activities
                        if a.activity_id == "ASC02:delivery")
        assert {s.assessor: s.value for s in activity.scores_for(OUTCOMES) if s.assessor in ("Sam", "Jo")} == {
            "Sam": 1, "Jo": 3}

    def test_two_writers_in_parallel_lose_nothing(self, imported, workspace_url):
        """Two sessions, each entering 15 scores one at a time as fast as they can, re-reading and
        re-applying on a conflict: every score arrives, and the revision counts every write."""
        stages = list(Stage)
        failures: list[BaseException] = []

        def officer(assessor: str) -> None:
            try:
                with Workspace(workspace_url) as mine:
                    for i in range(15):
                        change = edit(i % 5, assessor=assessor, stage=stages[i % 9],
                                      criterion=list(Criterion)[i // 9])
                        while True:
                            seen = mine.open("Calderbridge draft").revision
                            try:
                                mine.record_scores("Calderbridge draft", [change], seen=seen, by=assessor)
                                break
                            except Conflict:  # only the same row conflicts, so this never loops long
                                continue
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        threads = [threading.Thread(target=officer, args=(name,)) for name in ("Sam", "Jo")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        opened = imported.open("Calderbridge draft")
        assert opened.revision == 1 + 30
        for assessor in ("Sam", "Jo"):
            for i in range(15):
                activity = next(a for a in opened.assessment.activities if a.activity_id == f"ASC02:{stages[i % 9].value}")
                values = [s.value for s in activity.scores_for(list(Criterion)[i // 9]) if s.assessor == assessor]
                assert values == [i % 5]

    def test_a_whole_assessment_saved_over_a_newer_one_conflicts_only_where_both_changed(self, imported):
        first = imported.open("Calderbridge draft")
        renamed = first.assessment.replace(neighbourhoods=tuple(
            n.replace(name="Eastfield and Moor") if n.neighbourhood_id == first.assessment.neighbourhoods[0].neighbourhood_id
            else n for n in first.assessment.neighbourhoods))
        imported.save(first, renamed, by="Jo")
        budget = first.assessment.replace(services=tuple(
            s.replace(annual_budget=s.annual_budget + 1000) if i == 0 else s
            for i, s in enumerate(first.assessment.services)))
        imported.save(first, budget, by="Sam")  # another row: goes through, and keeps Jo's
        now = imported.open("Calderbridge draft").assessment
        assert now.neighbourhoods[0].name == "Eastfield and Moor"
        assert now.services[0].annual_budget == first.assessment.services[0].annual_budget + 1000
        with pytest.raises(Conflict, match="Jo changed neighbourhood"):
            imported.save(first, renamed.replace(neighbourhoods=tuple(
                n.replace(name="Moor") if n.name == "Eastfield and Moor" else n for n in renamed.neighbourhoods)), by="Sam")


class TestLocking:
    def test_a_locked_version_refuses_every_change_but_can_be_copied(self, imported, sample):
        imported.copy("Calderbridge draft", "Calderbridge - cabinet 12 January 2027", by="KH")
        imported.lock("Calderbridge - cabinet 12 January 2027", by="KH", note="as it went to cabinet")
        cabinet = imported.open("Calderbridge - cabinet 12 January 2027")
        assert cabinet.locked and cabinet.assessment == sample
        for attempt in (
            lambda: imported.record_scores(cabinet.name, [edit(1)], seen=cabinet.revision),
            lambda: imported.save(cabinet, sample.replace(services=(sample.services[0].replace(name="Care"),
                                                                    *sample.services[1:]))),
            lambda: imported.save_scenario(cabinet.name, sample.scenario.replace(name="Lean"), seen=cabinet.revision),
            lambda: imported.lock(cabinet.name),
        ):
            with pytest.raises(Locked, match="locked"):
                attempt()
        assert imported.open(cabinet.name).assessment == sample
        imported.copy(cabinet.name, "Calderbridge 2027/28")
        later = imported.open("Calderbridge 2027/28")
        assert not later.locked
        imported.record_scores("Calderbridge 2027/28", [edit(1)], seen=later.revision)
        assert imported.summary("Calderbridge 2027/28").copied_from == cabinet.name

    def test_a_locked_version_still_takes_plans(self, imported, sample, tiny_plan):
        imported.lock("Calderbridge draft")
        record = imported.record_plan("Calderbridge draft", sample, tiny_plan)
        assert record.assessment == "Calderbridge draft"


def test_the_summary_counts_what_assessors_should_discuss(imported, sample):
    flagged = sum(len(a.disagreements()) for a in sample.activities)
    assert flagged == 3 and imported.summary("Calderbridge draft").to_discuss == flagged
    imported.record_scores("Calderbridge draft", [edit(0, assessor="Jo"), edit(4, assessor="Sam")], seen=1)
    assert imported.summary("Calderbridge draft").to_discuss == flagged + 1


def test_names_are_unique_and_found_by_name(imported, sample):
    with pytest.raises(NameTaken, match="already has an assessment called 'Calderbridge draft'"):
        imported.import_assessment(sample, "Calderbridge  draft ")  # spaces tidied
    with pytest.raises(NotFound, match="no assessment called 'Calderbrige' .*'Calderbridge draft'"):
        imported.open("Calderbrige")


def test_a_failed_import_leaves_nothing(workspace, sample, monkeypatch):
    """The scores are written after the services; failing there must undo the services too."""
    from devolve.workspace import store

    real = store._to_db

    def failing(subject, *args):
        if subject == "score":
            raise RuntimeError("the disk is full")
        return real(subject, *args)

    monkeypatch.setattr(store, "_to_db", failing)
    with pytest.raises(RuntimeError):
        workspace.import_assessment(sample, "Calderbridge draft")
    assert workspace.names() == []
    with workspace.engine.connect() as c:
        for table in (t.services, t.changes, t.rubrics, t.neighbourhoods):
            assert c.scalar(select(func.count()).select_from(table)) == 0, table.name


class TestScenarios:
    def test_scenarios_are_kept_by_name_and_chosen(self, imported, sample):
        lean = sample.scenario.replace(name="Lean year", transition_budget=200_000.0, consensus=Consensus.MEAN)
        revision = imported.save_scenario("Calderbridge draft", lean, seen=1, by="KH")
        assert imported.scenarios("Calderbridge draft") == sorted([sample.scenario.name, "Lean year"])
        assert imported.open("Calderbridge draft").assessment.scenario == sample.scenario
        assert imported.open("Calderbridge draft", "Lean year").assessment.scenario == lean
        imported.save_scenario("Calderbridge draft", lean, seen=revision, use=True, by="KH")
        assert imported.open("Calderbridge draft").assessment.scenario == lean
        assert imported.changes("Calderbridge draft")[0].action == "chose"

    def test_a_changed_setting_is_audited(self, imported, sample):
        imported.save_scenario("Calderbridge draft", sample.scenario.replace(capacity_use=0.75), seen=1, by="KH")
        change = imported.changes("Calderbridge draft")[0]
        assert (change.subject, change.field, change.old, change.new) == ("scenario", "capacity_use", 0.5, 0.75)

    def test_an_unknown_scenario_is_named(self, imported):
        with pytest.raises(NotFound, match="no scenario called 'Nope'"):
            imported.open("Calderbridge draft", "Nope")


class TestPlans:
    def test_a_plan_is_kept_with_the_exact_inputs_it_came_from(self, imported, sample, tiny_plan):
        from devolve.core.digests import inputs_digests

        record = imported.record_plan("Calderbridge draft", sample, tiny_plan, by="KH", command="devolve assess")
        assert record.inputs_digest == inputs_digests(sample)["inputs"]
        kept = imported.plan(record.id)
        assert kept.plan == tiny_plan and kept.assessment == sample
        assert (record.status, record.gap, record.recorded_by) == (tiny_plan.status.value, tiny_plan.gap, "KH")

    def test_a_plan_can_be_rerun_after_the_assessment_moved_on(self, imported, sample, tiny_plan):
        record = imported.record_plan("Calderbridge draft", sample, tiny_plan)
        imported.record_scores("Calderbridge draft", [edit(0)], seen=1)
        assert imported.open("Calderbridge draft").assessment != sample
        assert imported.plan(record.id).assessment == sample

    def test_history_lists_plans_and_changes_newest_first(self, imported, sample, tiny_plan):
        imported.record_scores("Calderbridge draft", [edit(1)], seen=1, by="Sam")
        imported.record_plan("Calderbridge draft", sample, tiny_plan, by="KH")
        actions = [c.action for c in imported.changes("Calderbridge draft")]
        assert actions == ["planned", "added", "imported"]
        assert [p.id for p in imported.plans()] == [1]


def test_a_process_killed_mid_import_leaves_nothing_half_written(workspace_url, sample_path):
    """The importing process is killed (SIGKILL, no clean-up) after writing the services and
    before the scores: the workspace opens as it was before, with no trace of the import."""
    import subprocess
    import sys

    script = f"""
import os, signal
from devolve.io.read import read_assessment
from devolve.workspace import store
assessment = read_assessment({str(sample_path)!r})[0]
real = store._to_db
def dying(subject, *args):
    if subject == "score":
        os.kill(os.getpid(), signal.SIGKILL)
    return real(subject, *args)
store._to_db = dying
store.Workspace({workspace_url!r}).import_assessment(assessment, "Calderbridge draft")
"""
    Workspace(workspace_url).close()  # made and migrated first: the kill is in the import itself
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    with Workspace(workspace_url) as after:
        assert after.names() == []
        with after.engine.connect() as c:
            for table in (t.services, t.changes, t.rubrics, t.assessments):
                assert c.scalar(select(func.count()).select_from(table)) == 0, table.name
        after.import_assessment(read_assessment(sample_path)[0], "Calderbridge draft")  # and it works again


class TestWhatAStaleWriterMayNotDo:
    """Found in review: ways a writer working from an older read could overwrite or lose others' work."""

    def test_choose_a_scenario_another_officer_has_just_chosen_against(self, imported, sample):
        for name in ("Option A", "Option B"):
            imported.save_scenario("Calderbridge draft", sample.scenario.replace(name=name), seen=imported.open(
                "Calderbridge draft").revision)
        read = imported.open("Calderbridge draft").revision
        imported.save_scenario("Calderbridge draft", sample.scenario.replace(name="Option A"), seen=read, use=True,
                               by="Ann")
        with pytest.raises(Conflict, match="Ann changed assessment Calderbridge draft \\(scenario\\)"):
            imported.save_scenario("Calderbridge draft", sample.scenario.replace(name="Option B"), seen=read,
                                   use=True, by="Bob")
        assert imported.open("Calderbridge draft").assessment.scenario.name == "Option A"

    def test_add_a_score_to_a_service_another_officer_removed(self, imported):
        read = imported.open("Calderbridge draft")
        gone = read.assessment.services[-1].service_id
        without = read.assessment.replace(
            services=read.assessment.services[:-1],
            activities=tuple(a for a in read.assessment.activities if a.service_id != gone),
            priorities=tuple(p.replace(services={s: v for s, v in p.services.items() if s != gone})
                             for p in read.assessment.priorities))
        imported.save(read, without, by="Ann")
        mine = _with_score(read.assessment, f"{gone}:delivery", "Bob", 4)
        with pytest.raises(Conflict, match=f"Ann changed service {gone}"):
            imported.save(read, mine, by="Bob")

    def test_remove_a_service_another_officer_has_just_scored(self, imported):
        read = imported.open("Calderbridge draft")
        gone = read.assessment.services[-1].service_id
        imported.record_scores("Calderbridge draft", [edit(4, service=gone)], seen=read.revision, by="Bob")
        without = read.assessment.replace(
            services=read.assessment.services[:-1],
            activities=tuple(a for a in read.assessment.activities if a.service_id != gone),
            priorities=tuple(p.replace(services={s: v for s, v in p.services.items() if s != gone})
                             for p in read.assessment.priorities))
        with pytest.raises(Conflict, match=f"Bob changed score {gone} · delivery · outcomes · Sam"):
            imported.save(read, without, by="Ann")
        assert any(s.service_id == gone for s in imported.open("Calderbridge draft").assessment.services)

    def test_a_plan_is_kept_at_the_revision_it_was_made_from(self, imported, sample, tiny_plan):
        from devolve.usecases import plan_in_workspace

        read = imported.open("Calderbridge draft")
        imported.record_scores("Calderbridge draft", [edit(1)], seen=read.revision, by="Jo")  # during the solve
        record = plan_in_workspace(imported, read.assessment, tiny_plan, name="Calderbridge draft", opened=read)
        assert (record.assessment, record.revision) == ("Calderbridge draft", read.revision)
        assert imported.names() == ["Calderbridge draft"]


def _with_score(assessment, activity_id, assessor, value):
    from devolve.core.domain import Score
    from devolve.core.terms import ScoreSource

    def rescored(a):
        if a.activity_id != activity_id:
            return a
        kept = tuple(s for s in a.scores if not (s.criterion == OUTCOMES and s.source == ScoreSource.DEFAULT))
        return a.replace(scores=kept + (Score(criterion=OUTCOMES, value=value, source=ScoreSource.ASSESSED,
                                              assessor=assessor),))
    return assessment.replace(activities=tuple(rescored(a) for a in assessment.activities))


def test_a_change_of_order_alone_is_kept(imported):
    read = imported.open("Calderbridge draft")
    reordered = read.assessment.replace(services=tuple(reversed(read.assessment.services)))
    revision = imported.save(read, reordered)
    assert revision == read.revision + 1
    assert imported.open("Calderbridge draft").assessment.services == reordered.services


def test_a_value_entered_alone_keeps_the_rationale_and_a_blank_clears_it(imported):
    first = imported.record_scores("Calderbridge draft", [edit(1, rationale="pilot failed", evidence="report")],
                                   seen=1)
    second = imported.record_scores("Calderbridge draft", [edit(2)], seen=first)
    imported.record_scores("Calderbridge draft", [edit(2, evidence="")], seen=second)
    activity = next(a for a in imported.open("Calderbridge draft").assessment.activities
                    if a.activity_id == "ASC02:delivery")
    (sams,) = [s for s in activity.scores_for(OUTCOMES) if s.assessor == "Sam"]
    assert (sams.value, sams.rationale, sams.evidence) == (2, "pilot failed", None)


def test_a_new_assessor_comes_after_the_activity_s_others(imported):
    imported.record_scores("Calderbridge draft", [edit(1, assessor="Second Officer", service="ASC01",
                                                       stage=Stage.PRIORITISATION)], seen=1)
    with imported.engine.connect() as c:
        places = dict(c.execute(select(t.scores.c.assessor, t.scores.c.position).where(
            t.scores.c.service_id == "ASC01", t.scores.c.stage == "prioritisation",
            t.scores.c.criterion == "outcomes")).all())
    assert places["Second Officer"] == max(places.values()) and len(set(places.values())) == len(places)


def test_names_are_found_however_they_were_spaced(imported):
    assert imported.open("  Calderbridge   draft ").name == "Calderbridge draft"


def test_officers_importing_at_once_with_a_new_rubric_all_succeed(workspace_url, sample):
    failures: list[BaseException] = []

    def officer(i: int) -> None:
        try:
            with Workspace(workspace_url) as mine:
                mine.import_assessment(sample, f"Draft {i}")
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    Workspace(workspace_url).close()
    threads = [threading.Thread(target=officer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    with Workspace(workspace_url) as ws:
        assert ws.names() == [f"Draft {i}" for i in range(4)]


def test_reading_never_waits_for_another_officer_s_write(tmp_path, sample):
    """SQLite: an officer's long write holds the write lock; opening and reading go on meanwhile."""
    import time

    url = f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    with Workspace(url) as ws:
        ws.import_assessment(sample, "Calderbridge draft")
        with ws.engine.connect().execution_options(writing=True) as writer, writer.begin():
            writer.execute(t.assessments.update().values(lock_note="being written"))
            start = time.perf_counter()
            with Workspace(url) as reader:
                assert reader.names() == ["Calderbridge draft"]
                assert reader.open("Calderbridge draft").assessment == sample
            assert time.perf_counter() - start < 5
