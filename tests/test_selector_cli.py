"""``skmeta recommend`` and ``skmeta demo``."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from skmeta.cli import main
from skmeta.cli._recommend import infer_task
from skmeta.metalearning import _meta_model
from skmeta.metalearning._toy import make_toy_knowledge_base


@pytest.fixture(autouse=True)
def _forest_meta_model(monkeypatch):
    # The default meta-regressor (gradient boosting) is slow to train on a busy
    # machine; the commands are tested with the forest, which trains in a blink.
    monkeypatch.setattr(_meta_model, "DEFAULT_META_REGRESSOR", "random_forest")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("kb")
    for task in ("classification", "regression"):
        make_toy_knowledge_base(root / task, task)
    return root


def test_recommend_csv(kb, tmp_path, capsys):
    X, y = load_wine(return_X_y=True, as_frame=True)
    X["kind"] = np.array(["a", "b", "c"])[y]
    path = tmp_path / "wine.csv"
    X.to_csv(path, index=False)
    argv = [
        "recommend",
        str(path),
        "--target",
        "kind",
        "--top",
        "3",
        "--verify",
        "1",
        "--knowledge-base",
        str(kb),
        "--families",
        "logistic_regression",
        "knn",
        "decision_tree",
        "--json",
    ]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["task"] == "classification"
    assert payload["scoring"] == "balanced_accuracy"
    assert {p["family"] for p in payload["pipelines"]} <= {
        "logistic_regression",
        "knn",
        "decision_tree",
    }
    pipelines = payload["pipelines"]
    assert [p["rank"] for p in pipelines] == [1, 2, 3]
    assert pipelines[0]["verified_score"] is not None
    assert pipelines[1]["verified_score"] is None
    # With verification, listed in the order fit verifies: one per family first.
    assert len({p["family"] for p in pipelines}) == 3


def test_demo_prints_a_table(kb, capsys):
    argv = ["demo", "--task", "regression", "--knowledge-base", str(kb)]
    assert main([*argv, "--families", "ridge", "knn"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert out.startswith("diabetes (scikit-learn): regression, r2 predicted")
    lines = out.splitlines()
    # Title, column header, the five pipelines, then what the columns mean.
    assert lines[1].split() == ["rank", "family", "predicted", "verified", "parameters"]
    table = lines[2:7]
    assert [int(line.split()[0]) for line in table] == [1, 2, 3, 4, 5]
    assert lines[7] == ""
    assert lines[8].startswith("predicted: the meta-model's estimate of r2")
    assert lines[9] == "verified: mean 3-fold cross-validated r2 on the data."
    # The demo verifies three: their scores are printed, the others' are not.
    end = lines[1].index("verified") + len("verified")
    verified = [line[end - 10 : end].strip() for line in table]
    assert all(float(v) <= 1 for v in verified[:3])
    assert verified[3:] == ["", ""]
    # Parameters read as name=value with short numbers, not JSON.
    assert "{" not in "".join(table)
    assert "The meta-model (trained on the knowledge base once" in captured.err


def test_recommend_errors(kb, tmp_path, capsys):
    path = tmp_path / "data.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0, 1, 0]}).to_csv(path, index=False)
    assert main(["recommend", str(path), "--target", "nope"]) == 2
    assert "target column 'nope' is not in" in capsys.readouterr().err
    assert main(["recommend", str(tmp_path / "missing.csv"), "--target", "b"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_infer_task():
    assert infer_task(["x", "y", "x"]) == "classification"
    assert infer_task([True, False]) == "classification"
    assert infer_task(np.arange(100) % 3) == "classification"
    assert infer_task(np.linspace(0, 1, 50)) == "regression"
    assert infer_task(np.arange(100)) == "regression"
