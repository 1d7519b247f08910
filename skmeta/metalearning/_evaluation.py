"""One evaluation (a configuration cross-validated on a dataset), run in isolation.

:func:`evaluate` does the work. :class:`IsolatedEvaluator` runs it in a separate
Python process that is killed (SIGKILL) when it exceeds its time limit: a thread or
a ``signal.alarm`` cannot interrupt a fit stuck inside a C loop that holds the GIL,
and a pool such as loky only abandons a task, it does not stop the process running
it. The process is reused between evaluations, so interpreter start-up is paid once
per worker, not once per evaluation.

Running ``python -m skmeta.metalearning._worker`` starts such a worker; it reads
length-prefixed pickled requests on stdin and writes results on stdout. Pickle is
only the transport between a parent and the child it started, never storage.
"""

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import traceback
import warnings
import weakref

import numpy as np

# Threads per evaluation: collections run many evaluations side by side, so each
# one stays on one core unless asked otherwise.
_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_HEADER = struct.Struct("<Q")

# A child that neither answers nor uses CPU (a deadlock, a wait on a lock) is stopped
# after this many times the time limit, in wall-clock time.
_WALL_FACTOR = 30


def _roc_auc_ovr_macro(y_true, scores, classes):
    """Macro average of one-vs-rest ROC-AUC over ``classes``.

    Computed per class on that class's score column, which is what scikit-learn's
    ``roc_auc_score(multi_class="ovr", average="macro")`` does, but it also accepts
    decision-function scores that do not sum to one.
    """
    from sklearn.metrics import roc_auc_score

    if len(classes) == 2:
        column = scores[:, 1] if scores.ndim == 2 else scores
        return roc_auc_score(y_true == classes[1], column)
    return float(
        np.mean(
            [roc_auc_score(y_true == c, scores[:, i]) for i, c in enumerate(classes)]
        )
    )


def _classification_scores(model, X_test, y_test, classes):
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, log_loss

    start = time.perf_counter()
    y_pred = model.predict(X_test)
    proba = None
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X_test)
        scores = proba
    else:
        scores = model.decision_function(X_test)
    predict_time = time.perf_counter() - start
    result = {
        "accuracy": accuracy_score(y_test, y_pred),
        "balanced_accuracy": balanced_accuracy_score(y_test, y_pred),
        # Only a model with probabilities has a log-loss; others record NaN.
        "log_loss": (
            log_loss(y_test, proba, labels=classes) if proba is not None else np.nan
        ),
        "roc_auc": _roc_auc_ovr_macro(np.asarray(y_test), np.asarray(scores), classes),
    }
    return result, predict_time


def _regression_scores(model, X_test, y_test):
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    start = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_time = time.perf_counter() - start
    return {
        "r2": r2_score(y_test, y_pred),
        "rmse": float(np.sqrt(mean_squared_error(y_test, y_pred))),
        "mae": mean_absolute_error(y_test, y_pred),
    }, predict_time


METRICS = {
    "classification": ("accuracy", "balanced_accuracy", "log_loss", "roc_auc"),
    "regression": ("r2", "rmse", "mae"),
}


def evaluate(request):
    """Cross-validate one configuration on one prepared dataset.

    Parameters
    ----------
    request : dict
        ``task``, ``config``, ``X``, ``y``, ``splits`` (list of train/test
        position arrays) and ``seed``. A request may instead carry ``estimator``
        (an unfitted estimator), used as is; tests use it to simulate hung fits.

    Returns
    -------
    dict
        ``status`` ``"ok"`` with each metric's mean and standard deviation over the
        folds, mean fit and predict times and the evaluation's CPU time; or
        ``status`` ``"error"`` with ``error`` giving the exception's type and
        message.
    """
    from sklearn.base import clone

    from ._search_space import SearchSpace

    task = request["task"]
    X, y, splits = request["X"], np.asarray(request["y"]), request["splits"]
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    fold_scores = {m: [] for m in METRICS[task]}
    fit_times, predict_times = [], []
    caught = set()
    try:
        if request.get("estimator") is not None:
            template = request["estimator"]
        else:
            template = SearchSpace(task).build_pipeline(
                request["config"], random_state=request["seed"]
            )
        classes = np.unique(y) if task == "classification" else None
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            for train, test in splits:
                model = clone(template)
                X_train, X_test = X.iloc[train], X.iloc[test]
                start = time.perf_counter()
                model.fit(X_train, y[train])
                fit_times.append(time.perf_counter() - start)
                if task == "classification":
                    scores, predict_time = _classification_scores(
                        model, X_test, y[test], classes
                    )
                else:
                    scores, predict_time = _regression_scores(model, X_test, y[test])
                predict_times.append(predict_time)
                for name, value in scores.items():
                    fold_scores[name].append(float(value))
            caught = {r.category.__name__ for r in records}
    except Exception as exc:  # any failure is a result to record
        message = f"{type(exc).__name__}: {exc}".strip()
        return {
            "status": "error",
            "error": message[:500],
            "traceback": traceback.format_exc(limit=3)[-1500:],
            "cpu_time": time.process_time() - cpu_start,
            "wall_time": time.perf_counter() - wall_start,
        }
    result = {"status": "ok", "error": None}
    for name, values in fold_scores.items():
        result[name] = float(np.mean(values))
        result[f"{name}_std"] = float(np.std(values))
    result["fit_time"] = float(np.mean(fit_times))
    result["predict_time"] = float(np.mean(predict_times))
    result["cpu_time"] = time.process_time() - cpu_start
    result["wall_time"] = time.perf_counter() - wall_start
    result["warnings"] = sorted(caught)
    return result


def _write_frame(fd, obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd, n_bytes):
    chunks = []
    remaining = n_bytes
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd):
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    return pickle.loads(_read_exact(fd, size))


def _exit_when_orphaned(parent_pid):
    # If the collector dies (kill -9), stop rather than finish a possibly hung fit
    # that nobody will read.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            os._exit(1)


def serve():
    """Worker loop: answer requests on stdin until it closes."""
    in_fd = sys.stdin.fileno()
    # Keep the protocol channel to ourselves: anything a library prints goes to
    # stderr instead of corrupting a frame.
    out_fd = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), daemon=True
    ).start()
    # Import the heavy modules before saying we are ready, so that start-up time
    # is not counted against the first evaluation's time limit.
    from . import _search_space  # noqa: F401

    _write_frame(out_fd, "ready")
    while True:
        try:
            request = _read_frame(in_fd)
        except EOFError:
            return
        _write_frame(out_fd, evaluate(request))


def _stop_process(process):
    if process.poll() is None:
        process.kill()
        process.wait()


class IsolatedEvaluator:
    """Runs :func:`evaluate` in a child process killed when it exceeds a limit.

    Parameters
    ----------
    n_threads : int, default=1
        Threads the child's numerical libraries may use.
    """

    def __init__(self, n_threads=1):
        self.n_threads = n_threads
        self._process = None

    def _start(self):
        env = dict(os.environ)
        for name in _THREAD_VARIABLES:
            env[name] = str(self.n_threads)
        # The child must import what the parent imports: this skmeta, and the
        # modules of any estimator passed in a request.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "skmeta.metalearning._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        # Stop the child when this evaluator is garbage collected or at exit.
        weakref.finalize(self, _stop_process, self._process)
        try:
            _read_frame(self._process.stdout.fileno())
        except EOFError:
            code = self._process.wait()
            self._process = None
            raise RuntimeError(
                f"The evaluation worker process failed to start (exit code {code}); "
                "its error is printed above. Check that skmeta imports in a fresh "
                "Python process."
            ) from None

    def _kill(self):
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def close(self):
        """Stop the child process."""
        if self._process is not None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._kill()
            self._process = None

    def evaluate(self, request, time_limit=None):
        """Evaluate ``request`` in the child; give up after ``time_limit`` seconds.

        The limit counts the child's CPU time (per thread allowed), not the wall
        clock, so that evaluations are not stopped because the machine is busy; a
        child that makes no progress at all is stopped after 30 times the limit.
        Where a process's CPU time cannot be read (no ``/proc``), the limit is on
        wall-clock time.

        Returns
        -------
        dict
            The child's result; ``status="timeout"`` when the limit was reached
            (the child is killed and replaced), ``status="crashed"`` when the child
            died twice on this request (e.g. killed for lack of memory).
        """
        result = self._attempt(request, time_limit)
        if result["status"] == "crashed":
            # A child can die for reasons of its own (a stray signal, the
            # machine's memory pressure): the request gets one more, fresh process.
            result = self._attempt(request, time_limit)
        return result

    def _attempt(self, request, time_limit):
        if self._process is None or self._process.poll() is not None:
            self._start()
        start = time.perf_counter()
        try:
            _write_frame(self._process.stdin.fileno(), request)
            if time_limit is None:
                return _read_frame(self._process.stdout.fileno())
            return self._read_within(time_limit, start)
        except TimeoutError as exc:
            self._kill()
            return {
                "status": "timeout",
                "error": f"stopped after the time limit of {time_limit:g} s",
                "cpu_time": exc.args[0] if exc.args else None,
                "wall_time": time.perf_counter() - start,
            }
        except (EOFError, BrokenPipeError):
            code = self._process.wait()
            self._process = None
            return {
                "status": "crashed",
                "error": f"worker process died (exit code {code})",
                "wall_time": time.perf_counter() - start,
            }

    def _read_within(self, time_limit, start):
        # The limit is on the child's CPU time, so that a busy machine (other jobs,
        # a collector running niced) does not turn slow evaluations into timeouts:
        # whenever ``time_limit`` wall seconds pass, the child's CPU time decides
        # whether it may go on. A child that waits instead of computing (a deadlock)
        # is stopped after _WALL_FACTOR times the limit. Where the CPU time of a
        # process cannot be read (no /proc), the limit is wall-clock time.
        fd = self._process.stdout.fileno()
        pid = self._process.pid
        budget = time_limit * self.n_threads
        cpu_start = _process_cpu_time(pid)
        wall_end = time.monotonic() + _WALL_FACTOR * time_limit
        check_at = time.monotonic() + time_limit
        while True:
            wait = min(check_at, wall_end) - time.monotonic()
            if wait > 0 and select.select([fd], [], [], wait)[0]:
                # The child writes its answer in one go: read it whole.
                return _read_frame(fd)
            cpu_now = _process_cpu_time(pid)
            if cpu_start is None or cpu_now is None:
                raise TimeoutError(None)
            used = cpu_now - cpu_start
            if used >= budget or time.monotonic() >= wall_end:
                raise TimeoutError(used)
            check_at = time.monotonic() + (budget - used) / self.n_threads


def _process_cpu_time(pid):
    """CPU seconds (user and system, all threads) used by process ``pid``, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            # Fields after the parenthesised command name start at field 3 (state);
            # utime and stime are fields 14 and 15, in clock ticks.
            fields = file.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


_LOCAL = threading.local()


def evaluate_isolated(request, time_limit=None, n_threads=1):
    """Evaluate in this thread's reusable child process (for joblib tasks)."""
    evaluator = getattr(_LOCAL, "evaluator", None)
    if evaluator is None or evaluator.n_threads != n_threads:
        evaluator = _LOCAL.evaluator = IsolatedEvaluator(n_threads)
    return evaluator.evaluate(request, time_limit)
