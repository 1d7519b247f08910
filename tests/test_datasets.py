"""Dataset loaders: PMLB folders, OpenML cache, CSV, Parquet, DataFrames."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skmeta.datasets import (
    FileSource,
    PMLBSource,
    from_dataframe,
    group_of,
    infer_task,
    list_pmlb,
    load_csv,
    load_openml_dataset,
    load_openml_task,
    load_parquet,
    load_pmlb,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PMLB = SHARED / "pmlb"
OPENML_CACHE = SHARED / "openml-cache"
needs_pmlb = pytest.mark.skipif(
    not PMLB.is_dir(), reason=f"shared PMLB data not found at {PMLB}"
)
needs_openml_cache = pytest.mark.skipif(
    not OPENML_CACHE.is_dir(), reason=f"shared openml cache not found at {OPENML_CACHE}"
)
TEST_SERVER = "https://test.openml.org/api/v1/xml"


@needs_pmlb
def test_list_pmlb_reads_tasks_without_loading():
    sources = list_pmlb(PMLB)
    tasks = pd.Series([s.task for s in sources]).value_counts()
    # The shared collection: 164 classification and 117 regression datasets.
    assert tasks["classification"] == 164
    assert tasks["regression"] == 117
    assert all(s.dataset_id == f"pmlb/{s.name}" for s in sources)
    assert len(list_pmlb(PMLB, task="regression")) == 117


@needs_pmlb
def test_load_pmlb_marks_categorical_columns():
    dataset = load_pmlb("adult", PMLB)
    assert dataset.dataset_id == "pmlb/adult"
    assert dataset.task == "classification"
    assert dataset.source == "pmlb"
    # adult has 48,842 rows and 14 features; its metadata.yaml marks six of them
    # categorical (education is ordinal, sex binary: both stay numeric).
    assert dataset.X.shape == (48842, 14)
    categorical = {
        c for c, t in dataset.X.dtypes.items() if isinstance(t, pd.CategoricalDtype)
    }
    assert categorical == {
        "workclass",
        "marital-status",
        "occupation",
        "relationship",
        "race",
        "native-country",
    }
    regression = load_pmlb("1027_ESL", PMLB)
    assert regression.task == "regression"
    assert regression.group_id == "esl"


def test_missing_pmlb_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        list_pmlb(tmp_path / "absent")
    (tmp_path / "broken").mkdir()
    with pytest.raises(FileNotFoundError, match="no broken.tsv.gz"):
        PMLBSource("broken", tmp_path).load()


def test_group_ids_join_near_duplicates():
    assert group_of("1193_BNG_lowbwt") == group_of("lowbwt") == "lowbwt"
    assert group_of("wdbc") == group_of("breast_cancer_wisconsin")
    assert group_of("allbp") == group_of("allhypo") == "thyroid"
    assert group_of("579_fri_c0_250_5") == group_of("588_fri_c4_1000_100") == "fri"
    assert group_of("adult") != group_of("iris")


def test_infer_task():
    assert infer_task(pd.Series(["a", "b"])) == "classification"
    assert infer_task(pd.Series([0, 1, 1, 2])) == "classification"
    assert infer_task(pd.Series(np.arange(100))) == "regression"
    assert infer_task(pd.Series([0.5, 1.5])) == "regression"


def _frame():
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {
            "x": rng.randn(40),
            "colour": rng.choice(["red", "blue"], 40),
            "target": rng.choice(["yes", "no"], 40),
        }
    )


def test_dataframe_ids_are_stable_and_content_based():
    frame = _frame()
    first = from_dataframe(frame, "target", name="toy")
    assert first.task == "classification"
    assert isinstance(first.X["colour"].dtype, pd.CategoricalDtype)
    assert first.dataset_id.startswith("frame/toy-")
    assert from_dataframe(frame.copy(), "target", name="toy").dataset_id == (
        first.dataset_id
    )
    changed = frame.copy()
    changed.loc[0, "x"] += 1
    assert from_dataframe(changed, "target", name="toy").dataset_id != (
        first.dataset_id
    )
    with pytest.raises(ValueError, match="Target column 'label' is not in the data"):
        from_dataframe(frame, "label")


def test_csv_and_parquet(tmp_path):
    frame = _frame()
    frame.to_csv(tmp_path / "toy.csv", index=False)
    frame.to_csv(tmp_path / "toy.csv.gz", index=False)
    frame.to_parquet(tmp_path / "toy.parquet", index=False)
    from_csv = load_csv(tmp_path / "toy.csv", "target")
    from_gz = load_csv(tmp_path / "toy.csv.gz", "target")
    from_parquet = load_parquet(tmp_path / "toy.parquet", "target")
    for dataset in (from_csv, from_gz, from_parquet):
        assert dataset.X.shape == (40, 2)
        assert dataset.task == "classification"
        assert isinstance(dataset.X["colour"].dtype, pd.CategoricalDtype)
    assert from_csv.source == "csv" and from_parquet.source == "parquet"
    # Same content, same id, whatever the file format.
    assert from_csv.dataset_id == from_gz.dataset_id
    regression = load_csv(tmp_path / "toy.csv", "x", task="regression")
    assert regression.task == "regression"
    (tmp_path / "toy.xlsx").write_text("")
    with pytest.raises(ValueError, match="Cannot tell the format"):
        FileSource(tmp_path / "toy.xlsx", "target").load()
    with pytest.raises(FileNotFoundError):
        load_csv(tmp_path / "absent.csv", "target")


@pytest.fixture
def openml_cache(tmp_path):
    """A writable copy of the shared cache (openml writes files next to it)."""
    pytest.importorskip("openml")
    copy = tmp_path / "openml-cache"
    shutil.copytree(OPENML_CACHE, copy)
    return copy


@needs_openml_cache
def test_openml_dataset_from_cache(openml_cache):
    dataset = load_openml_dataset(2, cache_dir=openml_cache, server=TEST_SERVER)
    # OpenML dataset 2 is "anneal": 898 rows, 38 features, target "class".
    assert dataset.dataset_id == "openml/d/2"
    assert dataset.name == "anneal"
    assert dataset.X.shape == (898, 38)
    assert dataset.task == "classification"
    assert dataset.group_id == "anneal"
    n_categorical = sum(isinstance(t, pd.CategoricalDtype) for t in dataset.X.dtypes)
    assert n_categorical == 32


@needs_openml_cache
def test_openml_task_with_its_splits(openml_cache):
    dataset = load_openml_task(1882, cache_dir=openml_cache, server=TEST_SERVER)
    assert dataset.dataset_id == "openml/t/1882"
    assert dataset.task == "classification"
    assert len(dataset.splits) == 10  # 10-fold CV, first repeat
    tests = np.concatenate([test for _, test in dataset.splits])
    # The test folds partition the 898 rows.
    assert np.array_equal(np.sort(tests), np.arange(898))
    for train, test in dataset.splits:
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == 898
