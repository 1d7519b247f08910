"""``skmeta extract``: the meta-features of a data file."""

import json
import sys

_FORMATS = ("table", "json", "csv")


def add_parser(subparsers):
    """Declare ``skmeta extract``."""
    from skmeta.metafeatures._extractor import GROUPS

    parser = subparsers.add_parser(
        "extract",
        help="compute the meta-features of a dataset file",
        description=(
            "Compute the meta-features of DATA (.csv, .tsv, optionally .gz, or "
            ".parquet; one row per sample, a header row of column names) with "
            "skmeta.MetaFeatureExtractor and print them."
        ),
    )
    parser.add_argument("data", metavar="DATA", help="the dataset file")
    parser.add_argument(
        "--target",
        metavar="COL",
        help="name of the target column; without it, only the meta-features "
        "that need no target are computed",
    )
    parser.add_argument(
        "--groups",
        nargs="+",
        default=["default"],
        choices=["default", "all", *GROUPS],
        help="groups of meta-features (default: default)",
    )
    parser.add_argument(
        "--summary",
        nargs="+",
        default=["mean", "sd"],
        help="summaries of the multi-valued meta-features (default: mean sd)",
    )
    parser.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="how to read the target (default: auto, integers are classes)",
    )
    parser.add_argument(
        "--max-samples",
        type=int,
        default=2000,
        help="rows used by the super-linear measures (default: 2000)",
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (0)")
    parser.add_argument(
        "--format", choices=_FORMATS, default="table", help="output format (table)"
    )
    parser.set_defaults(func=run)
    return parser


def run(args):
    """Run ``skmeta extract`` with parsed ``args``; return the exit code."""
    import numpy as np

    from skmeta import MetaFeatureExtractor
    from skmeta.datasets._files import read_table

    frame = read_table(args.data)
    y = None
    if args.target is not None:
        if args.target not in frame.columns:
            raise ValueError(
                f"target column {args.target!r} is not in {args.data}; its "
                f"columns are {list(frame.columns)}."
            )
        y = frame.pop(args.target).to_numpy()
    groups = args.groups[0] if len(args.groups) == 1 else args.groups
    extractor = MetaFeatureExtractor(
        groups=groups,
        summary=args.summary,
        max_samples=args.max_samples,
        target_type=args.task,
        random_state=args.random_state,
    )
    values = extractor.extract(frame, y)
    if args.format == "json":
        payload = {
            "meta_features": {
                name: (None if np.isnan(v) else v) for name, v in values.items()
            },
            "undefined_reasons": extractor.undefined_reasons_,
        }
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        values.rename_axis("name").rename("value").to_csv(sys.stdout)
    else:
        width = max(len(name) for name in values.index)
        for name, value in values.items():
            sys.stdout.write(f"{name:<{width}}  {value:.6g}\n")
    return 0
