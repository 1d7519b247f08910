"""CSV and Parquet files, and pandas DataFrames."""

from pathlib import Path

import pandas as pd

from ._base import Dataset, as_frame, frame_fingerprint, group_of, infer_task


def read_table(path):
    """Read a ``.csv``, ``.tsv`` (either optionally gzip-compressed) or ``.parquet``
    file into a DataFrame, telling the format from the file name."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Data file {path} does not exist.")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    kind = suffixes[-1] if suffixes else ""
    if kind in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if kind in (".csv", ".tsv", ".txt"):
        return pd.read_csv(path, sep="\t" if kind == ".tsv" else ",")
    raise ValueError(
        f"Cannot tell the format of {path.name!r}: name it .csv, .csv.gz, .tsv, "
        ".tsv.gz or .parquet."
    )


def _categorical_objects(X, categorical):
    X = as_frame(X)
    if categorical is None:
        categorical = [
            c
            for c in X.columns
            if X[c].dtype.kind in "OSUb" or pd.api.types.is_string_dtype(X[c].dtype)
        ]
    for column in categorical:
        if column not in X.columns:
            raise ValueError(
                f"Categorical column {column!r} is not in the data; columns are "
                f"{list(X.columns)}."
            )
        X[column] = X[column].astype("category")
    return X


def from_dataframe(
    frame, target, name="frame", task=None, categorical=None, source="dataframe"
):
    """Make a :class:`Dataset` from a pandas DataFrame.

    Parameters
    ----------
    frame : DataFrame
        Features and target.
    target : str
        Name of the target column.
    name : str, default="frame"
    task : {"classification", "regression"}, default=None
        Inferred from the target when None (see :func:`infer_task`).
    categorical : list of str, default=None
        Columns to treat as categorical; when None, object, string and boolean
        columns (and those already of ``category`` dtype).
    source : str, default="dataframe"

    Returns
    -------
    Dataset
        ``dataset_id`` is ``"frame/<name>-<content hash>"``: the same content and
        name give the same id on every machine.
    """
    if target not in frame.columns:
        raise ValueError(
            f"Target column {target!r} is not in the data; columns are "
            f"{list(frame.columns)}."
        )
    y = frame[target].reset_index(drop=True)
    X = _categorical_objects(
        frame.drop(columns=[target]).reset_index(drop=True), categorical
    )
    prefix = "frame" if source == "dataframe" else "file"
    return Dataset(
        dataset_id=f"{prefix}/{name}-{frame_fingerprint(X, y)}",
        name=name,
        task=task or infer_task(y),
        source=source,
        group_id=group_of(name),
        X=X,
        y=y,
    )


class FileSource:
    """A CSV or Parquet file, loaded when :meth:`load` is called.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.tsv.gz`` or ``.parquet``.
    target : str
    task : {"classification", "regression"}, default=None
    categorical : list of str, default=None
    """

    def __init__(self, path, target, task=None, categorical=None):
        self.path = Path(path)
        self.target = target
        self.task = task
        self.categorical = categorical
        self.name = self.path.name.split(".")[0]
        self.dataset_id = None

    def __repr__(self):
        return f"FileSource({str(self.path)!r}, target={self.target!r})"

    def load(self):
        """Read the file; return a :class:`Dataset`."""
        frame = read_table(self.path)
        source = "parquet" if ".parquet" in self.path.suffixes else "csv"
        dataset = from_dataframe(
            frame,
            self.target,
            name=self.name,
            task=self.task,
            categorical=self.categorical,
            source=source,
        )
        self.dataset_id = dataset.dataset_id
        self.task = dataset.task
        return dataset


def load_csv(path, target, task=None, categorical=None):
    """Load a CSV (or gzip-compressed CSV, or TSV) file as a :class:`Dataset`.

    Parameters
    ----------
    path : str or path-like
    target : str
        Name of the target column.
    task : {"classification", "regression"}, default=None
        Inferred from the target when None.
    categorical : list of str, default=None
        Categorical columns; when None, the non-numeric ones.

    Returns
    -------
    Dataset
        ``dataset_id`` is ``"file/<file stem>-<content hash>"``.
    """
    return FileSource(path, target, task, categorical).load()


def load_parquet(path, target, task=None, categorical=None):
    """Load a Parquet file as a :class:`Dataset` (needs pyarrow).

    Parameters are those of :func:`load_csv`. Parquet keeps dtypes, so columns
    stored as ``category`` stay categorical.
    """
    return FileSource(path, target, task, categorical).load()
