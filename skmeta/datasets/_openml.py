"""OpenML datasets, tasks and suites through the ``openml`` package and its cache.

``openml`` is an optional dependency (``pip install skmeta[openml]``). Everything
here reads openml's local cache first, so datasets and tasks downloaded once (or
copied from another machine) load without network; listing a suite always needs
the server.
"""

import numpy as np

from ._base import Dataset, as_frame, group_of, infer_task


def _openml(cache_dir=None, server=None):
    try:
        import openml
    except ImportError as exc:
        raise ImportError(
            "Loading from OpenML needs the openml package: "
            "pip install 'skmeta[openml]'."
        ) from exc
    if cache_dir is not None:
        openml.config.set_root_cache_directory(str(cache_dir))
    if server is not None:
        openml.config.server = server
    return openml


def _dataset_info(dataset):
    return {
        "origin": f"https://www.openml.org/d/{dataset.dataset_id}",
        "licence": dataset.licence or "unknown",
        "citation": dataset.citation or "",
        "openml_version": dataset.version,
    }


class OpenMLDatasetSource:
    """An OpenML dataset by id, loaded when :meth:`load` is called.

    Parameters
    ----------
    dataset_id : int
    target : str, default=None
        Target column; the dataset's default target when None.
    task : {"classification", "regression"}, default=None
        Inferred from the target's type when None (see
        :func:`~skmeta.datasets.infer_task`).
    cache_dir, server : str, default=None
        Passed to ``openml.config`` before loading (``server`` selects whose
        cache sub-folder is read, e.g. the test server's).
    """

    source = "openml"

    def __init__(self, dataset_id, target=None, task=None, cache_dir=None, server=None):
        self.openml_id = int(dataset_id)
        self.dataset_id = f"openml/d/{self.openml_id}"
        self.target = target
        self.task = task
        self.cache_dir = cache_dir
        self.server = server

    def __repr__(self):
        return f"OpenMLDatasetSource({self.openml_id})"

    def load(self):
        """Fetch (or read from the cache) and return a :class:`Dataset`."""
        openml = _openml(self.cache_dir, self.server)
        dataset = openml.datasets.get_dataset(
            self.openml_id,
            download_data=True,
            download_qualities=True,
            download_features_meta_data=True,
        )
        target = self.target or dataset.default_target_attribute
        if not target:
            raise ValueError(
                f"OpenML dataset {self.openml_id} has no default target; pass "
                "target=<column name>."
            )
        X, y, categorical, names = dataset.get_data(target=target)
        X = as_frame(X)
        for column, is_cat in zip(X.columns, categorical, strict=True):
            if is_cat:
                X[column] = X[column].astype("category")
        task = self.task or infer_task(y)
        return Dataset(
            dataset_id=self.dataset_id,
            name=dataset.name,
            task=task,
            source=self.source,
            group_id=group_of(dataset.name),
            X=X,
            y=y.reset_index(drop=True) if hasattr(y, "reset_index") else y,
            info=_dataset_info(dataset),
        )


_TASK_TYPES = {
    "SUPERVISED_CLASSIFICATION": "classification",
    "SUPERVISED_REGRESSION": "regression",
}


class OpenMLTaskSource:
    """An OpenML supervised task by id: its dataset, target and CV splits.

    The first repeat of the task's estimation procedure becomes the dataset's
    ``splits``, which the collector then uses instead of its own folds.

    Parameters
    ----------
    task_id : int
    cache_dir, server : str, default=None
        See :class:`OpenMLDatasetSource`.
    """

    source = "openml"

    def __init__(self, task_id, cache_dir=None, server=None):
        self.task_id = int(task_id)
        self.dataset_id = f"openml/t/{self.task_id}"
        self.task = None
        self.cache_dir = cache_dir
        self.server = server

    def __repr__(self):
        return f"OpenMLTaskSource({self.task_id})"

    def load(self):
        """Fetch (or read from the cache) and return a :class:`Dataset`."""
        openml = _openml(self.cache_dir, self.server)
        oml_task = openml.tasks.get_task(self.task_id, download_splits=True)
        kind = _TASK_TYPES.get(getattr(oml_task.task_type_id, "name", ""))
        if kind is None:
            raise ValueError(
                f"OpenML task {self.task_id} is a {oml_task.task_type_id}; skmeta "
                "collects supervised classification and regression tasks only."
            )
        dataset = OpenMLDatasetSource(
            oml_task.dataset_id, target=oml_task.target_name, task=kind
        ).load()
        n_repeats, n_folds, _ = oml_task.get_split_dimensions()
        splits = []
        for fold in range(n_folds):
            train, test = oml_task.get_train_test_split_indices(fold=fold, repeat=0)
            splits.append((np.asarray(train), np.asarray(test)))
        dataset.dataset_id = self.dataset_id
        dataset.splits = splits
        dataset.info["origin"] = f"https://www.openml.org/t/{self.task_id}"
        self.task = kind
        return dataset


def load_openml_dataset(
    dataset_id, target=None, task=None, cache_dir=None, server=None
):
    """Load an OpenML dataset by id (from openml's cache when it is there).

    Parameters
    ----------
    dataset_id : int
    target : str, default=None
        The dataset's default target when None.
    task : {"classification", "regression"}, default=None
        Inferred from the target when None.
    cache_dir : str, default=None
        openml's root cache directory (``openml.config.set_root_cache_directory``).
    server : str, default=None
        openml server URL; its host selects the cache sub-folder.

    Returns
    -------
    Dataset
        ``dataset_id`` is ``"openml/d/<id>"``.
    """
    return OpenMLDatasetSource(dataset_id, target, task, cache_dir, server).load()


def load_openml_task(task_id, cache_dir=None, server=None):
    """Load an OpenML classification or regression task with its CV splits.

    Parameters
    ----------
    task_id : int
    cache_dir, server : str, default=None
        See :func:`load_openml_dataset`.

    Returns
    -------
    Dataset
        ``dataset_id`` is ``"openml/t/<task id>"``; ``splits`` holds the first
        repeat's folds.
    """
    return OpenMLTaskSource(task_id, cache_dir, server).load()


def openml_suite(suite, cache_dir=None, server=None):
    """List the tasks of an OpenML benchmark suite (needs network access).

    Parameters
    ----------
    suite : int or str
        Suite id or alias, e.g. ``"OpenML-CC18"`` or ``99``.
    cache_dir, server : str, default=None
        See :func:`load_openml_dataset`.

    Returns
    -------
    list of OpenMLTaskSource
        One lazy source per task; nothing is downloaded until loaded.
    """
    openml = _openml(cache_dir, server)
    suite = openml.study.get_suite(suite)
    return [OpenMLTaskSource(t, cache_dir, server) for t in suite.tasks]
