"""``skmeta recommend`` and ``skmeta demo``: ranked pipelines for a dataset."""

import json
import sys
import time

_TASK_CHOICES = ("auto", "classification", "regression")


def _add_common(parser):
    parser.add_argument(
        "--top", type=int, default=5, help="how many pipelines to print (5)"
    )
    parser.add_argument(
        "--verify",
        type=int,
        default=0,
        metavar="K",
        help="also cross-validate the first K pipelines on the data (0)",
    )
    parser.add_argument(
        "--cv", type=int, default=3, help="folds of the verification (3)"
    )
    parser.add_argument(
        "--knowledge-base",
        default="default",
        metavar="PATH",
        help="a knowledge base collected with 'skmeta collect' (the shipped one)",
    )
    parser.add_argument(
        "--families", nargs="+", metavar="NAME", help="only these model families"
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (0)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_parser(subparsers):
    """Declare ``skmeta recommend`` and ``skmeta demo``."""
    recommend = subparsers.add_parser(
        "recommend",
        help="rank pipelines for a dataset by their predicted score",
        description=(
            "Predict, from DATA's meta-features alone, the score of every pipeline "
            "of skmeta's search space and print the best ones; with --verify K, "
            "cross-validate the first K on DATA too. DATA is a .csv, .tsv "
            "(optionally .gz) or .parquet file with a header row."
        ),
    )
    recommend.add_argument("data", metavar="DATA", help="the dataset file")
    recommend.add_argument(
        "--target", required=True, metavar="COL", help="name of the target column"
    )
    recommend.add_argument(
        "--task",
        choices=_TASK_CHOICES,
        default="auto",
        help="auto: text, boolean and integer targets with few values are classes, "
        "anything else numeric is regression (auto)",
    )
    recommend.add_argument(
        "--scoring", help="balanced_accuracy or r2 unless given (see MetaModelSelector)"
    )
    _add_common(recommend)
    recommend.set_defaults(func=run_recommend)

    demo = subparsers.add_parser(
        "demo",
        help="'skmeta recommend' on a dataset bundled with scikit-learn",
        description=(
            "Run 'skmeta recommend --verify 3' on scikit-learn's breast cancer "
            "dataset (classification) or diabetes dataset (regression); no network "
            "needed."
        ),
    )
    demo.add_argument(
        "--task",
        choices=("classification", "regression"),
        default="classification",
        help="which bundled dataset (classification: breast cancer)",
    )
    _add_common(demo)
    demo.set_defaults(func=run_demo, verify=3)


def infer_task(y):
    """``"classification"`` for labels, ``"regression"`` for a numeric quantity.

    Text, boolean and categorical targets are labels; so is an integer target with
    at most 20 distinct values (or at most 5 % of the rows); any other numeric
    target is a quantity.
    """
    import numpy as np
    import pandas as pd

    y = pd.Series(y)
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        return "classification"
    values = y.dropna().to_numpy(dtype=float)
    n_unique = len(np.unique(values))
    whole = np.all(values == np.round(values))
    if whole and (n_unique <= 20 or n_unique <= 0.05 * len(values)):
        return "classification"
    return "regression"


def recommend_table(X, y, task, args, scoring=None):
    """The recommendation table the commands print, and the seconds it took."""
    import numpy as np

    from skmeta import MetaModelSelector

    selector = MetaModelSelector(
        task=task,
        knowledge_base=args.knowledge_base,
        n_verify=args.verify,
        cv=args.cv,
        scoring=scoring,
        families=args.families,
        random_state=args.random_state,
    )
    if args.top < 1 or args.verify < 0:
        raise ValueError(
            f"--top must be at least 1 and --verify at least 0; got {args.top} and "
            f"{args.verify}."
        )
    if args.verify:
        selector._check_verification_size(X, y)
    # Trained once and kept on disk (SKMETA_CACHE_DIR); the time printed is the
    # recommendation's own.
    sys.stderr.write(
        "The meta-model (trained on the knowledge base once, then read from the "
        "cache)..."
    )
    sys.stderr.flush()
    start = time.perf_counter()
    model = selector._meta_model()
    sys.stderr.write(
        f" {time.perf_counter() - start:.1f} s ({model.n_evaluations_:,} evaluations "
        f"of {model.n_datasets_} datasets)\n"
    )
    start = time.perf_counter()
    # With --verify, in the order fit verifies.
    table = selector._recommend(
        X, y, max(args.top, args.verify), verification_order=args.verify > 0
    )
    seconds = time.perf_counter() - start
    table["verified_score"] = np.nan
    if args.verify:
        top = table.iloc[: args.verify]
        table.loc[top.index, "verified_score"] = selector._verify(X, y, top)
    return table.iloc[: max(args.top, args.verify)], seconds, selector


def _print(table, seconds, selector, task, title, as_json):
    import numpy as np

    from skmeta.metalearning._meta_model import resolve_scoring

    scoring, _, _ = resolve_scoring(task, selector.scoring)
    if as_json:
        rows = [
            {
                "rank": i + 1,
                "family": row.family,
                "params": row.params,
                "predicted_score": float(row.predicted_score),
                "predicted_std": None
                if np.isnan(row.predicted_std)
                else float(row.predicted_std),
                "verified_score": None
                if np.isnan(row.verified_score)
                else float(row.verified_score),
            }
            for i, row in enumerate(table.itertuples())
        ]
        payload = {
            "dataset": title,
            "task": task,
            "scoring": scoring,
            "recommendation_seconds": seconds,
            "pipelines": rows,
        }
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    out = sys.stdout
    out.write(
        f"{title}: {task}, {scoring} predicted from meta-features in {seconds:.2f} s\n"
    )
    has_spread = not np.all(np.isnan(table["predicted_std"]))
    width = max(len("family"), *(len(f) for f in table["family"])) + 2
    out.write(
        f"{'rank':>4}  {'family':<{width}}{'predicted':>{17 if has_spread else 9}}"
        f"{'verified':>10}  parameters\n"
    )
    for i, row in enumerate(table.itertuples()):
        predicted = f"{row.predicted_score:.3f}"
        if has_spread:
            predicted += f" ± {row.predicted_std:.3f}"
        verified = "" if np.isnan(row.verified_score) else f"{row.verified_score:.3f}"
        out.write(
            f"{i + 1:>4}  {row.family:<{width}}{predicted:>{17 if has_spread else 9}}"
            f"{verified:>10}  {_format_params(row.params)}\n"
        )
    out.write(
        f"\npredicted: the meta-model's estimate of {scoring}, from the data's "
        "meta-features alone (nothing was trained on the data).\n"
    )
    if not np.all(np.isnan(table["verified_score"])):
        out.write(
            f"verified: mean {selector.cv}-fold cross-validated {scoring} on the "
            "data.\n"
        )
    if not np.all(np.isnan(table["verified_score"])):
        out.write(
            "With verification the list is in the order MetaModelSelector "
            "verifies: each family's best-ranked pipeline first.\n"
        )
    out.write(
        f"In Python, MetaModelSelector(task={task!r}, n_verify=3).fit(X, y) "
        "verifies the first three and fits the best.\n"
    )


def _format_params(params):
    """``name=value`` pairs, floats to three significant digits."""
    if not params:
        return "(the family's defaults)"
    parts = []
    for name, value in sorted(params.items()):
        if isinstance(value, float):
            value = f"{value:.3g}"
        parts.append(f"{name}={value}")
    return ", ".join(parts)


def run_recommend(args):
    """Run ``skmeta recommend``."""
    from skmeta.datasets._files import read_table

    frame = read_table(args.data)
    if args.target not in frame.columns:
        raise ValueError(
            f"target column {args.target!r} is not in {args.data}; its columns are "
            f"{list(frame.columns)}."
        )
    y = frame.pop(args.target)
    keep = y.notna().to_numpy()
    X, y = frame[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    task = infer_task(y) if args.task == "auto" else args.task
    table, seconds, selector = recommend_table(
        X, y.to_numpy(), task, args, scoring=args.scoring
    )
    _print(table, seconds, selector, task, args.data, args.json)
    return 0


def run_demo(args):
    """Run ``skmeta demo``."""
    from sklearn.datasets import load_breast_cancer, load_diabetes

    if args.task == "classification":
        X, y = load_breast_cancer(return_X_y=True, as_frame=True)
        title = "breast cancer (scikit-learn)"
    else:
        X, y = load_diabetes(return_X_y=True, as_frame=True)
        title = "diabetes (scikit-learn)"
    table, seconds, selector = recommend_table(X, y.to_numpy(), args.task, args)
    _print(table, seconds, selector, args.task, title, args.json)
    return 0
