"""Dataset loaders: OpenML, PMLB-style folders, CSV and Parquet files, DataFrames.

Every loader returns a :class:`Dataset` with a stable id, its task type, its source
and a group id shared by near-duplicates. The ``*Source`` classes describe a dataset
without loading it, so a collector can plan its work before reading any data.
"""

from ._base import Dataset, group_of, infer_task, normalise_name
from ._files import FileSource, from_dataframe, load_csv, load_parquet
from ._openml import (
    OpenMLDatasetSource,
    OpenMLTaskSource,
    load_openml_dataset,
    load_openml_task,
    openml_suite,
)
from ._pmlb import PMLBSource, list_pmlb, load_pmlb

__all__ = [
    "Dataset",
    "FileSource",
    "OpenMLDatasetSource",
    "OpenMLTaskSource",
    "PMLBSource",
    "from_dataframe",
    "group_of",
    "infer_task",
    "list_pmlb",
    "load_csv",
    "load_openml_dataset",
    "load_openml_task",
    "load_parquet",
    "load_pmlb",
    "normalise_name",
    "openml_suite",
]
