"""The collector: results, resume after kill -9, timeouts, Dask, the CLI."""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold

from skmeta.datasets import Dataset, PMLBSource, from_dataframe
from skmeta.metalearning import SearchSpace, collect, load_knowledge_base
from skmeta.metalearning._collector import plan_configurations, prepare_dataset
from skmeta.metalearning._evaluation import IsolatedEvaluator
from skmeta.metalearning._knowledge_base import compute_metafeatures
from skmeta.metalearning._search_space import config_id
from skmeta.metalearning._store import ExperimentStore


def _classification_frame(n=150, seed=0):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "a": rng.randn(n),
            "b": rng.randn(n),
            "colour": rng.choice(["red", "green", "blue"], n),
        }
    )
    frame.loc[::9, "a"] = np.nan
    frame["target"] = np.where(frame["b"] > 0, "pos", "neg")
    return frame


def _regression_frame(n=120, seed=1):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame({"a": rng.randn(n), "b": rng.randn(n)})
    frame["target"] = 3 * frame["a"] - frame["b"] + rng.randn(n) * 0.1
    return frame


@pytest.fixture
def toy_sources():
    return [
        from_dataframe(_classification_frame(), "target", name="toy_c"),
        from_dataframe(_regression_frame(), "target", name="toy_r"),
    ]


FAST = {"families": ["logistic_regression", "ridge", "knn"], "n_folds": 3}


def _keys(store):
    return [(r["dataset_id"], r["config_id"]) for r in store.iter_experiments()]


def test_collect_records_every_planned_pair_once(tmp_path, toy_sources):
    counts = collect(
        toy_sources, tmp_path, n_configs=4, n_shared=2, progress=False, **FAST
    )
    assert counts["error"] == counts["timeout"] == counts["crashed"] == 0
    for task, dataset in zip(
        ("classification", "regression"), toy_sources, strict=True
    ):
        store = ExperimentStore.open(tmp_path / task, task=task)
        space = SearchSpace(task, families=FAST["families"])
        planned = {
            (dataset.dataset_id, config_id(c))
            for _, c in plan_configurations(space, dataset.dataset_id, 4, 2, 0)
        }
        keys = _keys(store)
        assert len(keys) == len(set(keys)) == len(planned)
        assert set(keys) == planned
        frame = store.experiments()
        metrics = (
            ["accuracy", "balanced_accuracy", "log_loss", "roc_auc"]
            if task == "classification"
            else ["r2", "rmse", "mae"]
        )
        assert frame[metrics].notna().all().all()
        assert (frame["fit_time"] > 0).all() and (frame["n_folds"] == 3).all()
    # Run again: nothing left to do, nothing duplicated.
    again = collect(
        toy_sources, tmp_path, n_configs=4, n_shared=2, progress=False, **FAST
    )
    assert again["evaluated"] == 0 and again["remaining"] == 0
    # Growing n_configs only adds the new configurations.
    more = collect(
        toy_sources, tmp_path, n_configs=6, n_shared=2, progress=False, **FAST
    )
    assert more["evaluated"] == 2 * 2


def test_metrics_match_an_independent_computation(tmp_path):
    """The stored accuracy equals scikit-learn's cross_val_score on the same folds."""
    from sklearn.model_selection import cross_val_score

    dataset = from_dataframe(_classification_frame(), "target", name="toy_c")
    collect(
        [dataset],
        tmp_path,
        n_configs=0,
        n_shared=0,
        families=["knn"],
        n_folds=3,
        progress=False,
    )
    record = next(ExperimentStore.open(tmp_path / "classification").iter_experiments())
    X, y, splits, _ = prepare_dataset(dataset, 3, 3000, 0)
    space = SearchSpace("classification")
    expected = cross_val_score(
        space.build_pipeline({"family": "knn", "params": record["params"]}),
        X,
        y,
        cv=splits,
        scoring="accuracy",
    ).mean()
    assert record["accuracy"] == pytest.approx(expected)


def test_prepare_subsamples_stratified_and_drops_rare_classes():
    rng = np.random.RandomState(0)
    y = np.array(["a"] * 700 + ["b"] * 298 + ["rare"] * 2, dtype=object)
    X = pd.DataFrame({"x": rng.randn(1000)})
    dataset = Dataset(
        "frame/t", "t", "classification", "dataframe", "t", X, pd.Series(y)
    )
    X_used, y_used, splits, record = prepare_dataset(dataset, 3, 500, seed=0)
    assert len(X_used) == 500 and record["subsampled"]
    assert record["dropped_classes"] == ["rare"]
    # Class proportions are kept (700:298 of 998 rows); labels are codes.
    assert abs(np.mean(y_used == 0) - 700 / 998) < 0.01
    assert len(splits) == 3
    for _, test in splits:
        assert set(y_used[test]) == {0, 1}
    again = prepare_dataset(dataset, 3, 500, seed=0)
    assert again[0].equals(X_used)


def test_prepare_keeps_predefined_splits_on_kept_rows():
    X = pd.DataFrame({"x": np.arange(10.0)})
    y = pd.Series(np.r_[np.arange(9.0), np.nan])
    splits = [(np.arange(5), np.arange(5, 10)), (np.arange(5, 10), np.arange(5))]
    dataset = Dataset("frame/t", "t", "regression", "dataframe", "t", X, y, splits)
    X_used, _, new_splits, record = prepare_dataset(dataset, 3, None, seed=0)
    assert len(X_used) == 9 and record["splits"] == "predefined"
    assert np.array_equal(new_splits[0][1], [5, 6, 7, 8])  # row 9 had no target


def test_repeat_draws_other_folds_of_the_same_rows():
    rng = np.random.RandomState(0)
    y = np.array(["a"] * 600 + ["b"] * 400, dtype=object)
    X = pd.DataFrame({"x": rng.randn(1000)})
    dataset = Dataset(
        "frame/t", "t", "classification", "dataframe", "t", X, pd.Series(y)
    )
    first = prepare_dataset(dataset, 3, 500, seed=0)
    again = prepare_dataset(dataset, 3, 500, seed=0, repeat=0)
    other = prepare_dataset(dataset, 3, 500, seed=0, repeat=1)
    assert first[0].equals(other[0]) and np.array_equal(first[1], other[1])
    for (_, test), (_, test_again) in zip(first[2], again[2], strict=True):
        assert np.array_equal(test, test_again)
    assert not any(
        np.array_equal(np.sort(a), np.sort(b))
        for (_, a), (_, b) in zip(first[2], other[2], strict=True)
    )
    for _, test in other[2]:  # still stratified
        assert abs(np.mean(other[1][test] == 0) - 0.6) < 0.01


def test_prepare_codes_labels_after_the_splits():
    """Labels become codes in sorted order; the splits are the labels' own, and a
    weighted forest, which scikit-learn#34883 breaks on string labels reading as
    integers ("4"), is evaluated rather than recorded as an error."""
    rng = np.random.RandomState(0)
    labels = np.array(["4", "f", "r"], dtype=object)[rng.randint(0, 3, 90)]
    X = pd.DataFrame({"x": rng.randn(90), "z": rng.randn(90)})
    dataset = Dataset(
        "frame/t", "t", "classification", "dataframe", "t", X, pd.Series(labels)
    )
    _, y_used, splits, record = prepare_dataset(dataset, 3, None, seed=0)
    assert np.array_equal(y_used, np.searchsorted(["4", "f", "r"], labels))
    expected = StratifiedKFold(3, shuffle=True, random_state=record["dataset_seed"])
    for (_, test), (_, test_labels) in zip(
        splits, expected.split(X, labels), strict=True
    ):
        assert np.array_equal(test, test_labels)
    from sklearn.model_selection import cross_val_score

    forest = SearchSpace("classification").build_pipeline(
        {"family": "random_forest", "params": {"class_weight": "balanced"}}
    )
    scores = cross_val_score(forest, X, y_used, cv=splits, error_score="raise")
    assert np.all(np.isfinite(scores))


def test_prepare_splits_float_class_labels():
    """Class labels 0, 0.5 and 1 (a three-level answer stored as numbers), which
    StratifiedKFold takes for a continuous target, are split as classes: the
    splits are those of the same classes written as strings."""
    rng = np.random.RandomState(0)
    levels = rng.randint(0, 3, 90)
    X = pd.DataFrame({"x": rng.randn(90), "z": rng.randn(90)})
    as_floats = Dataset(
        "frame/t", "t", "classification", "dataframe", "t", X, pd.Series(levels / 2)
    )
    as_strings = Dataset(
        "frame/t",
        "t",
        "classification",
        "dataframe",
        "t",
        X,
        pd.Series(np.array(["a", "b", "c"])[levels]),
    )
    _, y_floats, splits_floats, record = prepare_dataset(as_floats, 3, None, seed=0)
    _, y_strings, splits_strings, _ = prepare_dataset(as_strings, 3, None, seed=0)
    assert record["n_classes"] == 3
    assert np.array_equal(y_floats, levels)
    assert np.array_equal(y_strings, levels)
    for (_, a), (_, b) in zip(splits_floats, splits_strings, strict=True):
        assert np.array_equal(a, b)


def test_repeat_store_measures_the_same_configurations(tmp_path, toy_sources):
    kwargs = dict(n_configs=2, n_shared=1, progress=False, **FAST)
    collect(toy_sources[:1], tmp_path / "r0", **kwargs)
    collect(toy_sources[:1], tmp_path / "r1", repeat=1, **kwargs)
    task = toy_sources[0].task
    r0 = ExperimentStore.open(tmp_path / "r0" / task).experiments()
    r1 = ExperimentStore.open(tmp_path / "r1" / task).experiments()
    assert sorted(r0["config_id"]) == sorted(r1["config_id"])
    assert set(r1["repeat"]) == {1}
    merged = r0.merge(r1, on="config_id")
    metric = "accuracy" if task == "classification" else "r2"
    assert not np.allclose(merged[metric + "_x"], merged[metric + "_y"])
    # A store is one repetition; a store from before the setting is repetition 0.
    with pytest.raises(ValueError, match="repeat=1.*repeat=0"):
        collect(toy_sources[:1], tmp_path / "r1", **kwargs)
    settings = ExperimentStore.open(tmp_path / "r0" / task).settings
    legacy = {k: v for k, v in settings.items() if k != "repeat"}
    ExperimentStore.create(tmp_path / "old" / task, task, legacy)
    with pytest.raises(ValueError, match="repeat=0.*repeat=1"):
        collect(toy_sources[:1], tmp_path / "old", repeat=1, **kwargs)
    collect(toy_sources[:1], tmp_path / "old", **kwargs)


# -- crash safety ------------------------------------------------------------------


_CHILD = textwrap.dedent(
    """
    import sys
    from skmeta.datasets import FileSource
    from skmeta.metalearning import collect

    collect(
        [FileSource(sys.argv[1], "target")],
        sys.argv[2],
        n_configs=30,
        n_shared=0,
        n_folds=3,
        families=["logistic_regression", "knn", "decision_tree"],
        progress=False,
    )
    """
)


def test_resume_after_kill_9_loses_and_duplicates_nothing(tmp_path):
    csv = tmp_path / "toy.csv"
    _classification_frame().to_csv(csv, index=False)
    store_root = tmp_path / "kb"
    active = store_root / "classification" / "experiments" / "active.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(csv), str(store_root)]
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if active.exists() and active.read_bytes().count(b"\n") >= 5:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the collector wrote no results within 120 s")
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    before = active.read_bytes()
    complete = before[: before.rfind(b"\n") + 1]
    n_before = complete.count(b"\n")
    assert 5 <= n_before < 33

    def resume(root):
        return collect(
            [from_dataframe(pd.read_csv(csv), "target", name="toy", source="csv")],
            root,
            n_configs=30,
            n_shared=0,
            n_folds=3,
            families=["logistic_regression", "knn", "decision_tree"],
            progress=False,
            compact_every=None,
        )

    counts = resume(store_root)
    after = active.read_bytes()
    # Every evaluation finished before the kill is still there, unchanged.
    assert after.startswith(complete)
    keys = _keys(ExperimentStore.open(store_root / "classification"))
    # The same evaluations as an uninterrupted run: 3 defaults and 30 random
    # configurations, fewer when a random one repeats another.
    resume(tmp_path / "uninterrupted")
    expected = _keys(
        ExperimentStore.open(tmp_path / "uninterrupted" / "classification")
    )
    assert 30 <= len(expected) <= 33
    assert len(keys) == len(set(keys)) and set(keys) == set(expected)
    assert counts["evaluated"] == len(expected) - n_before


def _write_lines(path, records, tail=b""):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for r in records:
            fh.write((json.dumps(r) + "\n").encode())
        fh.write(tail)


def _store(tmp_path, task="classification"):
    return ExperimentStore.create(tmp_path / "s", task, {"n_folds": 3})


def test_truncated_last_line_is_dropped(tmp_path):
    store = _store(tmp_path)
    records = [{"dataset_id": "d", "config_id": str(i)} for i in range(3)]
    _write_lines(store._active, records, tail=b'{"dataset_id": "d", "conf')
    assert len(list(store.iter_experiments())) == 3
    with store.lock():
        store.append({"dataset_id": "d", "config_id": "new"})
    lines = store._active.read_text().splitlines()
    assert [json.loads(line)["config_id"] for line in lines] == ["0", "1", "2", "new"]


def test_corrupted_store_is_reported_and_left_untouched(tmp_path):
    store = _store(tmp_path)
    _write_lines(store._active, [{"dataset_id": "d", "config_id": "0"}])
    with open(store._active, "ab") as fh:
        fh.write(b"not json at all\n")
        fh.write(b'{"dataset_id": "d", "config_id": "1"}\n')
    content = store._active.read_bytes()
    with pytest.raises(ValueError, match=r"corrupted at line 2.*Nothing was changed"):
        list(store.iter_experiments())
    with store.lock(), pytest.raises(ValueError, match="corrupted"):
        store.done_keys()
    assert store._active.read_bytes() == content
    with store.lock():
        assert store.repair() == 1
    assert [r["config_id"] for r in store.iter_experiments()] == ["0", "1"]
    assert (store.path / "rejected.jsonl").read_text() == "not json at all\n"


def test_store_of_another_task_or_settings_is_refused(tmp_path, toy_sources):
    ExperimentStore.create(tmp_path / "regression", "classification")
    with pytest.raises(
        ValueError, match="holds classification experiments, not regression"
    ):
        ExperimentStore.open(tmp_path / "regression", task="regression")
    collect(toy_sources[:1], tmp_path / "kb", n_configs=0, progress=False, **FAST)
    with pytest.raises(ValueError, match="n_folds=3.*n_folds=5"):
        collect(
            toy_sources[:1],
            tmp_path / "kb",
            n_configs=0,
            progress=False,
            families=["knn"],
            n_folds=5,
        )


def test_second_writer_is_refused(tmp_path):
    store = _store(tmp_path)
    second = ExperimentStore.open(store.path)
    with store.lock(), pytest.raises(ValueError, match="another process"):
        second.lock().__enter__()


def test_compaction_is_deterministic_and_idempotent(tmp_path):
    store = _store(tmp_path)
    records = [
        {"dataset_id": "d", "config_id": str(i), "x": float(i)} for i in range(5)
    ]
    with store.lock():
        for r in records:
            store.append(r)
        part = store.compact()
        assert not store._active.exists()
        assert store.compact() is None
    assert [r["config_id"] for r in store.iter_experiments()] == list("01234")
    # A compaction interrupted after writing its part but before removing the
    # active file leaves both; readers and the next compaction drop the repeats.
    _write_lines(store._active, records[3:] + [{"dataset_id": "d", "config_id": "5"}])
    assert [r["config_id"] for r in store.iter_experiments()] == list("012345")
    with store.lock():
        second = store.compact()
    assert [r["config_id"] for r in store.iter_experiments()] == list("012345")
    other = ExperimentStore.create(tmp_path / "t", "classification", {"n_folds": 3})
    with other.lock():
        for r in records:
            other.append(r)
        other_part = other.compact()
    assert other_part.read_bytes() == part.read_bytes()
    assert second.name == "part-000002.jsonl.gz"


def _filled_store(path, dataset_ids, task="classification", settings=None):
    store = ExperimentStore.create(path, task, settings or {"n_folds": 3})
    with store.lock(), store.lock("metafeatures"):
        for dataset_id in dataset_ids:
            store.append_dataset({"dataset_id": dataset_id, "status": "ok"})
            for config in range(3):
                store.append({"dataset_id": dataset_id, "config_id": str(config)})
        store.compact()
        store.write_metafeatures(
            pd.DataFrame(
                {"n": [float(len(d)) for d in dataset_ids]},
                index=pd.Index(dataset_ids, name="dataset_id"),
            )
        )
    return store


def test_merge_adds_only_what_is_new(tmp_path):
    ours = _filled_store(tmp_path / "a", ["d1", "d2"])
    theirs = _filled_store(tmp_path / "b", ["d2", "dataset3"])
    with theirs.lock():
        theirs.append({"dataset_id": "dataset3", "config_id": "active"})
    with ours.lock(), ours.lock("metafeatures"):
        added = ours.merge(theirs)
        assert added == {"experiments": 4, "datasets": 1, "metafeatures": 1}
        # Merging again adds nothing, and no empty part.
        assert ours.merge(theirs) == {
            "experiments": 0,
            "datasets": 0,
            "metafeatures": 0,
        }
    parts = [p.name for p in ours._parts()]
    assert parts == ["part-000001.jsonl.gz", "part-000002.jsonl.gz"]
    keys = sorted(ours.done_keys())
    assert len(keys) == 10 and ("dataset3", "active") in keys
    assert sorted(ours.dataset_records()) == ["d1", "d2", "dataset3"]
    table = ours.metafeatures()
    assert table["n"].to_dict() == {"d1": 2.0, "d2": 2.0, "dataset3": 8.0}
    # The source is only read.
    assert len(theirs.done_keys()) == 7 and theirs._active.exists()


def test_merge_refuses_other_task_settings_and_itself(tmp_path):
    ours = _filled_store(tmp_path / "a", ["d1"])
    other_task = _filled_store(tmp_path / "b", ["d2"], task="regression")
    other_folds = _filled_store(tmp_path / "c", ["d3"], settings={"n_folds": 5})
    with ours.lock(), ours.lock("metafeatures"):
        with pytest.raises(ValueError, match="same task"):
            ours.merge(other_task)
        with pytest.raises(ValueError, match="n_folds: 3 here, 5 there"):
            ours.merge(other_folds)
        with pytest.raises(ValueError, match="into itself"):
            ours.merge(ExperimentStore.open(ours.path))
        # A store older than the 'repeat' setting was collected with repeat=0.
        newer = _filled_store(
            tmp_path / "d", ["d4"], settings={"n_folds": 3, "repeat": 0}
        )
        assert ours.merge(newer)["experiments"] == 3
    with pytest.raises(ValueError, match="needs its lock"):
        ours.merge(other_folds)


def test_cli_merge_into_a_knowledge_base_folder(tmp_path, capsys):
    _filled_store(tmp_path / "c" / "classification", ["d1"])
    _filled_store(tmp_path / "r" / "regression", ["r1"], task="regression")
    kb = tmp_path / "kb"
    assert _cli(["kb", "merge", str(kb), str(tmp_path / "c"), str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "added 3 evaluations, 1 datasets and 1 meta-feature rows" in out
    for task, dataset_id in [("classification", "d1"), ("regression", "r1")]:
        store = ExperimentStore.open(kb / task, task)
        assert store.settings == {"n_folds": 3}
        assert {k[0] for k in store.done_keys()} == {dataset_id}
    with pytest.raises(ValueError, match="not regression ones"):
        _cli(["kb", "merge", str(kb / "classification"), str(tmp_path / "r")])


def test_cli_merge_default_copies_the_shipped_knowledge_base(tmp_path, capsys):
    from skmeta.metalearning._knowledge_base import knowledge_base_path

    assert _cli(["kb", "merge", str(tmp_path / "mine"), "default"]) == 0
    for task in ("classification", "regression"):
        shipped = ExperimentStore.open(knowledge_base_path(task))
        mine = ExperimentStore.open(tmp_path / "mine" / task, task)
        assert mine.settings == shipped.settings
        assert mine.done_keys() == shipped.done_keys()
        assert mine.metafeatures().equals(shipped.metafeatures())


# -- time limits -------------------------------------------------------------------


class HangingClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose fit never returns, stuck in C code that holds the GIL."""

    def fit(self, X, y):
        # Catastrophic backtracking: the regex engine runs for ages without
        # releasing the GIL or checking for signals.
        re.match(r"(a+)+$", "a" * 64 + "b")
        return self


def test_hung_fit_is_killed_and_recorded_as_timeout():
    X = pd.DataFrame({"x": np.arange(20.0)})
    y = np.r_[np.zeros(10), np.ones(10)]
    evaluator = IsolatedEvaluator()
    request = {
        "task": "classification",
        "config": None,
        "estimator": HangingClassifier(),
        "X": X,
        "y": y,
        "splits": list(StratifiedKFold(2).split(X, y)),
        "seed": 0,
    }
    knn = {**request, "estimator": None, "config": {"family": "knn", "params": {}}}
    assert evaluator.evaluate(knn, 60)["status"] == "ok"
    child = evaluator._process
    start = time.monotonic()
    result = evaluator.evaluate(request, time_limit=1.0)
    assert result["status"] == "timeout"
    assert "time limit of 1 s" in result["error"]
    assert time.monotonic() - start < 10
    assert child.poll() == -signal.SIGKILL
    # The evaluator starts a fresh process for the next evaluation.
    assert evaluator.evaluate(knn, 60)["status"] == "ok"
    evaluator.close()


class SleepingClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose fit waits, using no CPU, as on a machine busy elsewhere."""

    def __init__(self, seconds=1.0):
        self.seconds = seconds

    def fit(self, X, y):
        time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))


@pytest.mark.skipif(
    not os.path.exists(f"/proc/{os.getpid()}/stat"), reason="CPU time needs /proc"
)
def test_time_limit_counts_cpu_time_not_waiting():
    X = pd.DataFrame({"x": np.arange(20.0)})
    y = np.r_[np.zeros(10), np.ones(10)]
    request = {
        "task": "classification",
        "config": None,
        "estimator": SleepingClassifier(0.6),
        "X": X,
        "y": y,
        "splits": list(StratifiedKFold(2).split(X, y)),
        "seed": 0,
    }
    evaluator = IsolatedEvaluator()
    # Two folds of 0.6 s each take 1.2 s of wall time but almost no CPU time: a
    # wall-clock limit of 1 s would stop them, a CPU-time limit does not.
    result = evaluator.evaluate(request, time_limit=1.0)
    assert result["status"] == "ok", result
    assert result["wall_time"] > 1.0
    # A child that only waits is still stopped, after 30 times the limit.
    request["estimator"] = SleepingClassifier(60)
    start = time.monotonic()
    result = evaluator.evaluate(request, time_limit=0.1)
    assert result["status"] == "timeout"
    assert result["cpu_time"] < 0.1
    assert 3 <= time.monotonic() - start < 10
    evaluator.close()


class SuicidalClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose fit kills its own process, as the OOM killer would."""

    def fit(self, X, y):
        os.kill(os.getpid(), signal.SIGKILL)


def test_dying_worker_is_retried_then_recorded_as_crashed():
    X = pd.DataFrame({"x": np.arange(20.0)})
    y = np.r_[np.zeros(10), np.ones(10)]
    request = {
        "task": "classification",
        "config": None,
        "estimator": SuicidalClassifier(),
        "X": X,
        "y": y,
        "splits": list(StratifiedKFold(2).split(X, y)),
        "seed": 0,
    }
    evaluator = IsolatedEvaluator()
    result = evaluator.evaluate(request, time_limit=60)
    assert result["status"] == "crashed"
    assert f"exit code {-signal.SIGKILL}" in result["error"]
    knn = {**request, "estimator": None, "config": {"family": "knn", "params": {}}}
    assert evaluator.evaluate(knn, 60)["status"] == "ok"
    evaluator.close()


def test_collector_records_timeouts_and_failures(tmp_path):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.randn(1500, 20), columns=[f"f{i}" for i in range(20)])
    frame["target"] = rng.randint(0, 2, 1500)
    dataset = from_dataframe(frame, "target", name="slow")
    counts = collect(
        [dataset],
        tmp_path,
        n_configs=0,
        n_shared=0,
        families=["mlp"],
        time_limit=0.05,
        n_folds=3,
        progress=False,
    )
    assert counts["timeout"] == 1
    record = next(ExperimentStore.open(tmp_path / "classification").iter_experiments())
    assert record["status"] == "timeout" and record["accuracy"] is None
    # A configuration that fails on a dataset is recorded with its reason: k-NN's
    # default 5 neighbours on training folds of 4 rows.
    tiny = from_dataframe(_classification_frame(n=6), "target", name="tiny")
    tiny.y[:] = ["pos", "neg"] * 3
    # A dataset whose file is missing is recorded as such; the others still run.
    (tmp_path / "pmlb" / "broken").mkdir(parents=True)
    (tmp_path / "pmlb" / "broken" / "metadata.yaml").write_text(
        "task: classification\n"
    )
    counts = collect(
        [tiny, PMLBSource("broken", tmp_path / "pmlb")],
        tmp_path / "tiny",
        n_configs=0,
        families=["knn"],
        n_folds=3,
        progress=False,
    )
    assert counts["error"] == 1 and counts["skipped_datasets"] == ["pmlb/broken"]
    store = ExperimentStore.open(tmp_path / "tiny" / "classification")
    record = next(store.iter_experiments())
    assert record["status"] == "error"
    assert "n_neighbors" in record["error"] and record["accuracy"] is None
    assert store.dataset_records()["pmlb/broken"]["status"] == "error"


# -- Dask, knowledge base, CLI ---------------------------------------------------------


def test_dask_local_cluster(tmp_path, toy_sources):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        counts = collect(
            toy_sources,
            tmp_path,
            n_configs=3,
            n_shared=1,
            n_jobs=2,
            progress=False,
            **FAST,
        )
    assert counts["ok"] == counts["evaluated"] == 2 * (2 + 3)
    for task in ("classification", "regression"):
        keys = _keys(ExperimentStore.open(tmp_path / task))
        assert len(keys) == len(set(keys)) == 5


class _CountingExtractor(BaseEstimator):
    def fit(self, X, y):
        self.meta_features_ = {"n_rows": len(X), "n_columns": X.shape[1]}
        return self


def test_knowledge_base_and_metafeature_pass(tmp_path, toy_sources):
    collect(toy_sources, tmp_path, n_configs=2, n_shared=1, progress=False, **FAST)
    kb = load_knowledge_base("regression", tmp_path)
    assert len(kb.experiments) == 2 + 2
    assert kb.metafeatures.empty
    assert kb.datasets.loc[toy_sources[1].dataset_id, "n_rows"] == 120
    store = ExperimentStore.open(tmp_path / "regression")
    with store.lock("metafeatures"):
        compute_metafeatures(
            store, {s.dataset_id: s for s in toy_sources}, _CountingExtractor()
        )
    kb = load_knowledge_base("regression", tmp_path)
    assert kb.metafeatures.loc[toy_sources[1].dataset_id, "n_rows"] == 120


def _cli(argv):
    """``skmeta collect`` / ``skmeta kb`` alone, independent of other subcommands."""
    from skmeta.cli import _collect

    parser = argparse.ArgumentParser(prog="skmeta")
    _collect.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_collect_info_compact(tmp_path, capsys):
    csv = tmp_path / "toy.csv"
    _regression_frame().to_csv(csv, index=False)
    store = tmp_path / "kb"
    argv = [
        "collect",
        "--store",
        str(store),
        "--csv",
        f"{csv}:target",
        "--n-configs",
        "2",
        "--n-shared",
        "0",
        "--folds",
        "3",
        "--families",
        "ridge",
        "knn",
        "--no-progress",
        "--compact-every",
        "0",
    ]
    assert _cli(argv) == 0
    assert "evaluated 4: 4 ok" in capsys.readouterr().out
    # Resuming without --folds takes the store's 3 folds (the default is 5).
    resume = [a for a in argv if a not in ("--folds", "3")]
    assert _cli(resume) == 0
    assert "evaluated 0" in capsys.readouterr().out
    _cli(["kb", "compact", str(store)])
    assert "sealed part-000001.jsonl.gz" in capsys.readouterr().out
    _cli(["kb", "info", str(store)])
    out = capsys.readouterr().out
    assert "regression store" in out and "evaluations: 4 ok 4" in out
    _cli(["kb", "info", "--json", str(store / "regression")])
    summary = json.loads(capsys.readouterr().out)[0]
    assert summary["datasets_evaluated"] == 1 and summary["configurations"] == 4


def test_cli_skips_a_broken_file_and_says_why(tmp_path, capsys):
    good = tmp_path / "good.csv"
    _regression_frame().to_csv(good, index=False)
    broken = tmp_path / "broken.csv"
    _regression_frame().to_csv(broken, index=False)
    argv = ["collect", "--store", str(tmp_path / "kb"), "--csv", f"{good}:target"]
    argv += ["--csv", f"{broken}:no_such_column", "--n-configs", "1"]
    argv += ["--n-shared", "0", "--families", "ridge", "--no-progress"]
    assert _cli(argv) == 0
    captured = capsys.readouterr()
    assert "skmeta: skipping" in captured.err and "no_such_column" in captured.err
    assert "evaluated 2: 2 ok" in captured.out


def test_cli_task_decides_a_files_task(tmp_path, capsys):
    # A class label written as 0.0/1.0 reads as a float (regression) target;
    # --task classification says otherwise, and the file is collected.
    frame = _regression_frame()
    frame["target"] = (frame["target"] > frame["target"].median()).astype(float)
    csv = tmp_path / "labels.csv"
    frame.to_csv(csv, index=False)
    argv = [
        "collect",
        "--store",
        str(tmp_path / "kb"),
        "--csv",
        f"{csv}:target",
        "--n-configs",
        "1",
        "--n-shared",
        "0",
        "--folds",
        "3",
        "--families",
        "logistic_regression",
        "--no-progress",
    ]
    assert _cli([*argv, "--task", "classification"]) == 0
    assert "evaluated 2: 2 ok" in capsys.readouterr().out
    kb = load_knowledge_base("classification", tmp_path / "kb")
    assert kb.datasets["n_classes"].tolist() == [2]
    assert set(kb.experiments["dataset_id"]) == set(kb.datasets.index)
    # The meta-feature pass finds the same dataset from the same arguments.
    metafeatures = ["kb", "metafeatures", str(tmp_path / "kb"), "--csv"]
    assert _cli([*metafeatures, f"{csv}:target", "--task", "classification"]) == 0
    kb = load_knowledge_base("classification", tmp_path / "kb")
    assert list(kb.metafeatures.index) == list(kb.datasets.index)


def test_file_source_with_a_task_is_read_before_planning(tmp_path):
    from skmeta.datasets import FileSource

    csv = tmp_path / "toy.csv"
    _regression_frame().to_csv(csv, index=False)
    source = FileSource(csv, "target", task="regression")
    collect(
        [source],
        tmp_path / "kb",
        n_configs=1,
        n_shared=0,
        n_folds=3,
        families=["ridge"],
        progress=False,
    )
    kb = load_knowledge_base("regression", tmp_path / "kb")
    assert kb.experiments["dataset_id"].tolist() == [source.dataset_id] * 2
    assert source.dataset_id.startswith("file/toy-")


def test_shipped_knowledge_base_loads():
    from skmeta.metalearning._knowledge_base import knowledge_base_path

    if not (knowledge_base_path("classification") / "store.json").exists():
        pytest.skip("no knowledge base shipped in this checkout")
    for task in ("classification", "regression"):
        kb = load_knowledge_base(task)
        assert len(kb.experiments) > 0
        assert set(kb.experiments["dataset_id"]) <= set(kb.datasets.index)
        keys = list(
            zip(kb.experiments["dataset_id"], kb.experiments["config_id"], strict=True)
        )
        assert len(keys) == len(set(keys))
        # Every dataset has its meta-features, and every evaluated one its row.
        assert set(kb.metafeatures.index) == set(kb.datasets.index)
        assert set(kb.datasets.index) == set(kb.experiments["dataset_id"])


def test_metafeature_pass_with_the_real_extractor(tmp_path, toy_sources):
    pytest.importorskip("skmeta.metafeatures")
    from skmeta.metafeatures import MetaFeatureExtractor

    collect(toy_sources, tmp_path, n_configs=0, progress=False, **FAST)
    store = ExperimentStore.open(tmp_path / "classification")
    with store.lock("metafeatures"):
        compute_metafeatures(
            store,
            {s.dataset_id: s for s in toy_sources},
            MetaFeatureExtractor(groups="general", random_state=0),
        )
    row = load_knowledge_base("classification", tmp_path).metafeatures.iloc[0]
    # The toy classification frame: 150 rows, 3 attributes, 2 classes.
    assert (row["nr_inst"], row["nr_attr"], row["nr_class"]) == (150, 3, 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_folds": 1}, "n_folds must be >= 2; got 1"),
        ({"n_configs": -1}, "n_configs must be >= 0"),
        ({"max_rows": 5}, "at least 10 rows per fold; got 5"),
        ({"time_limit": 0}, "time_limit must be None or > 0"),
    ],
)
def test_invalid_arguments(tmp_path, toy_sources, kwargs, message):
    with pytest.raises(ValueError, match=message):
        collect(toy_sources, tmp_path, progress=False, **kwargs)
    assert not any(tmp_path.iterdir())
