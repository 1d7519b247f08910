"""The dataset record every loader returns, its identifiers and its grouping."""

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TASKS = ("classification", "regression")

# Datasets that are the same data under another name (or the same records with
# another target) in the collections skmeta reads, so that a meta-model evaluated
# by group never tests on a copy of a training dataset. Keys and values are
# normalised names (see ``normalise_name``).
_ALIASES = {
    "breast_cancer_wisconsin": "wdbc",
    "breast_w": "breast",
    "car_evaluation": "car",
    "cmc": "contraceptive",
    "agaricus_lepiota": "mushroom",
    "molecular_biology_promoters": "promoters",
    "credit_a": "crx",
    "buggycrx": "crx",
    "horse_colic": "colic",
    "credit_g": "german",
    "house_votes_84": "vote",
    "satellite_image": "satimage",
    "prnn_fglass": "glass",
    "glass2": "glass",
    "autoprice": "auto_price",
    "cpu_small": "cpu_act",
    "cpu": "machine_cpu",
    "cleveland_nominal": "cleveland",
    "heart_c": "cleveland",
    "heart_h": "hungarian",
    "waveform_40": "waveform_21",
    "parity5+5": "parity5",
    "mfeat_factors": "mfeat",
    "mfeat_fourier": "mfeat",
    "mfeat_karhunen": "mfeat",
    "mfeat_morphological": "mfeat",
    "mfeat_pixel": "mfeat",
    "mfeat_zernike": "mfeat",
    "led24": "led7",
    "solar_flare_2": "solar_flare_1",
    "wine_quality_white": "wine_quality_red",
    "hill_valley_without_noise": "hill_valley_with_noise",
    "clean2": "clean1",
    "spectf": "spect",
    # The thyroid datasets share their patients and differ only in the target.
    "allbp": "thyroid",
    "allhyper": "thyroid",
    "allhypo": "thyroid",
    "allrep": "thyroid",
    "dis": "thyroid",
    "hypothyroid": "thyroid",
    "ann_thyroid": "thyroid",
    "new_thyroid": "thyroid",
    "sick": "thyroid",
}


def normalise_name(name):
    """Lower-case a dataset name and drop OpenML's numeric prefix and ``BNG_``.

    ``"1193_BNG_lowbwt"`` and ``"lowbwt"`` both give ``"lowbwt"``: a BNG dataset is
    generated from the original by a Bayesian network, so it is a near-duplicate.
    """
    name = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    name = re.sub(r"^\d+_", "", name)
    name = re.sub(r"^bng_", "", name)
    return name


def group_of(name):
    """Return the group id of a dataset name: near-duplicates share one.

    Normalised names (see :func:`normalise_name`) are mapped through a curated table
    of known duplicates (e.g. ``wdbc`` and ``breast_cancer_wisconsin``, the thyroid
    family); every Friedman benchmark ``fri_c<k>_<n>_<p>`` of OpenML shares group
    ``fri``, as they are draws from one generator.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
    """
    name = normalise_name(name)
    if re.fullmatch(r"fri_c\d_\d+_\d+", name):
        return "fri"
    if name.startswith("gametes_"):
        # The GAMETES simulations differ in their epistasis model; they share a
        # generator but not a concept, so only exact variants are grouped.
        return name
    return _ALIASES.get(name, name)


def infer_task(y):
    """Guess the task from a target: classification unless it is a float column.

    A target of ``category``, ``object``, string or boolean dtype is classification;
    a float target is regression; an integer target is classification when it has
    at most 30 distinct values, otherwise regression. Pass ``task`` explicitly to a
    loader where this rule is wrong.
    """
    y = pd.Series(y)
    dtype = y.dtype
    if isinstance(dtype, pd.CategoricalDtype) or dtype.kind in "OSUb":
        return "classification"
    if pd.api.types.is_string_dtype(dtype):
        return "classification"
    if dtype.kind in "iu":
        return "classification" if y.nunique() <= 30 else "regression"
    return "regression"


def frame_fingerprint(X, y):
    """Short hash of a dataset's content, to give files and frames a stable id."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, X.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    digest.update(
        pd.util.hash_pandas_object(pd.Series(y), index=False).to_numpy().tobytes()
    )
    return digest.hexdigest()[:10]


@dataclass
class Dataset:
    """A supervised tabular dataset, with where it came from.

    Parameters
    ----------
    dataset_id : str
        Stable identifier, the same on every machine: ``"pmlb/<name>"``,
        ``"openml/d/<id>"``, ``"openml/t/<task id>"``, ``"file/<stem>-<hash>"`` or
        ``"frame/<name>-<hash>"``.
    name : str
    task : {"classification", "regression"}
    source : str
        ``"pmlb"``, ``"openml"``, ``"csv"``, ``"parquet"`` or ``"dataframe"``.
    group_id : str
        Shared by near-duplicates (see :func:`group_of`).
    X : DataFrame
        Features; categorical columns have the ``category`` dtype.
    y : Series
    splits : list of (ndarray, ndarray), default=None
        Predefined train/test positions (an OpenML task's first repeat); the
        collector uses them instead of its own folds.
    info : dict
        Provenance: url, licence, citation where known.
    """

    dataset_id: str
    name: str
    task: str
    source: str
    group_id: str
    X: pd.DataFrame = field(repr=False)
    y: pd.Series = field(repr=False)
    splits: list | None = field(default=None, repr=False)
    info: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(
                f"Dataset {self.dataset_id!r}: task must be one of {TASKS}; got "
                f"{self.task!r}."
            )
        if len(self.X) != len(self.y):
            raise ValueError(
                f"Dataset {self.dataset_id!r}: X has {len(self.X)} rows but y has "
                f"{len(self.y)}."
            )

    @property
    def n_rows(self):
        """Number of rows."""
        return len(self.X)

    @property
    def n_features(self):
        """Number of feature columns."""
        return self.X.shape[1]

    def load(self):
        """Return itself, so a loaded dataset can stand where a source is expected."""
        return self


def mark_categorical(X, columns):
    """Return ``X`` with ``columns`` cast to the pandas ``category`` dtype."""
    X = X.copy()
    for column in columns:
        X[column] = X[column].astype("category")
    return X


def as_frame(X):
    """Return ``X`` as a DataFrame with string column names."""
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X))
    X = X.copy()
    X.columns = [str(c) for c in X.columns]
    return X
