"""Tables, statistics and plots of the comparison study, and the ablation of the
zero-shot selector (meta-feature groups, knowledge-base size)."""

import json
import math

import numpy as np
import pandas as pd
from scipy import stats

MMS = ("mms_zero_shot", "mms_verify3", "mms_anytime")
LABELS = {
    "mms_zero_shot": "MMS zero-shot",
    "mms_verify3": "MMS verify top 3",
    "mms_anytime": "MMS verify top k",
    "grid": "GridSearchCV",
    "random": "RandomizedSearchCV",
    "optuna_tpe": "Optuna TPE",
    "hyperactive_bo": "Hyperactive BO",
    "hyperband": "HyperbandSearchCV",
    "hyperband_bohb": "HyperbandSearchCV (bohb)",
    "halving_random": "HalvingRandomSearchCV",
    "flaml": "FLAML AutoML",
    "tpot": "TPOT",
}
# Methods run once per budget (no anytime trace).
PER_BUDGET = ("flaml", "tpot")


def _results(out):
    from compare import read_results

    rows = [r for r in read_results(out / "results.jsonl")]
    # A run redone after an error replaces it.
    latest = {}
    for r in rows:
        latest[(r["dataset"], r["method"], r["seed"], r["budget"])] = r
    return list(latest.values())


def score_at(row, budget):
    """Test score of the incumbent known at ``budget`` seconds (NaN if none)."""
    if row.get("status") != "ok" or not row["trace"]:
        return math.nan
    if row["method"] in PER_BUDGET:
        return row["trace"][-1]["test_score"]
    known = [e for e in row["trace"] if e["time"] <= budget]
    return known[-1]["test_score"] if known else math.nan


def final_scores(rows, budgets):
    """Long table: dataset, seed, method, budget, test score, wall and CPU time."""
    out = []
    for r in rows:
        for b in budgets:
            if r["method"] in PER_BUDGET and r["budget"] != b:
                continue
            out.append(
                {
                    "dataset": r["dataset"],
                    "source": r["source"],
                    "seed": r["seed"],
                    "method": r["method"],
                    "budget": b,
                    "test_score": score_at(r, b),
                    "wall": r.get("wall"),
                    "cpu": r.get("cpu"),
                    "status": r.get("status"),
                    "error": r.get("error"),
                }
            )
    return pd.DataFrame(out)


def first_time(row, target):
    """When the incumbent's test score first reaches ``target`` (NaN: never)."""
    if row is None or row.get("status") != "ok":
        return math.nan
    if row["method"] in PER_BUDGET:
        return math.nan
    for e in row["trace"]:
        if e["test_score"] >= target - 1e-12:
            return (
                e["time"]
                if row["method"] not in ("mms_zero_shot", "mms_verify3")
                else row["wall"]
            )
    return math.nan


def holm(pvalues):
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (len(p) - i) * p[idx]))
        adjusted[idx] = running
    return adjusted


def rank_tests(table):
    """Average ranks (1 is best; a method without a result on a dataset is last),
    Friedman's test, and Wilcoxon's signed-rank test of each selector variant
    against every other method (Holm-corrected per variant)."""
    table = table.dropna(axis=1, how="all")
    ranks = table.rank(axis=1, ascending=False, na_option="bottom")
    average = ranks.mean().sort_values()
    complete = table.dropna(axis=1)
    friedman = (math.nan, math.nan)
    if complete.shape[1] >= 3 and complete.shape[0] >= 2:
        friedman = stats.friedmanchisquare(*[complete[c] for c in complete.columns])
    pairs = []
    for ref in ("mms_verify3", "mms_zero_shot"):
        if ref not in complete:
            continue
        block = []
        for other in complete.columns:
            if other == ref:
                continue
            diff = complete[ref] - complete[other]
            if np.allclose(diff, 0):
                p = 1.0
            else:
                p = stats.wilcoxon(
                    complete[ref], complete[other], zero_method="zsplit"
                ).pvalue
            block.append(
                {
                    "method": ref,
                    "against": other,
                    "median_difference_points": 100 * float(np.median(diff)),
                    "wins": int((diff > 1e-12).sum()),
                    "ties": int((diff.abs() <= 1e-12).sum()),
                    "losses": int((diff < -1e-12).sum()),
                    "p": float(p),
                }
            )
        adjusted = holm([b["p"] for b in block])
        for b, a in zip(block, adjusted, strict=True):
            b["p_holm"] = float(a)
        pairs.extend(block)
    return average, friedman, pd.DataFrame(pairs), complete.shape


def _fmt(x, digits=3):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    if isinstance(x, float) and np.isinf(x):
        return "never"
    return f"{x:.{digits}f}"


def _md_table(frame, digits=3, csv=None):
    """A Markdown table of ``frame``; with ``csv``, also that file of the same
    formatted cells (which doc/comparison.rst shows with ``csv-table``)."""
    cols = list(frame.columns)
    cells = [
        [
            _fmt(v, digits) if isinstance(v, (float, np.floating)) else str(v)
            for v in row
        ]
        for _, row in frame.iterrows()
    ]
    lines = [
        "| " + " | ".join([frame.index.name or ""] + [str(c) for c in cols]) + " |",
        "|" + "---|" * (len(cols) + 1),
    ]
    for idx, row in zip(frame.index, cells, strict=True):
        lines.append("| " + " | ".join([str(idx)] + row) + " |")
    if csv is not None:
        csv.parent.mkdir(exist_ok=True)
        pd.DataFrame(cells, index=frame.index, columns=[str(c) for c in cols]).to_csv(
            csv
        )
    return "\n".join(lines)


def report(args):
    out = args.out_dir
    wanted = {f"pmlb/{d}" for d in args.kb_datasets} | {
        f"keel/{d}" for d in args.keel_datasets
    }
    rows = [r for r in _results(out) if r["dataset"] in wanted]
    if not rows:
        print("no results yet")
        return
    budgets = sorted(args.budgets)
    scores = final_scores(rows, budgets)
    scores.to_csv(out / "final_scores.csv", index=False)
    by_key = {
        (r["dataset"], r["method"], r["seed"]): r
        for r in rows
        if r["method"] not in PER_BUDGET
    }
    datasets = sorted(
        {r["dataset"] for r in rows}, key=lambda d: (not d.startswith("pmlb"), d)
    )
    seeds = sorted({r["seed"] for r in rows})
    lines = ["# Comparison study: results", ""]
    headline = {"budgets": budgets, "datasets": datasets, "seeds": seeds}

    # Final scores and ranks, per budget (mean over seeds).
    rank_columns = {}
    for b in budgets:
        table = (
            scores[scores["budget"] == b]
            .groupby(["dataset", "method"])["test_score"]
            .mean()
            .unstack()
        )
        table = table.reindex(index=datasets, columns=[m for m in LABELS if m in table])
        table.index.name = "dataset"
        average, friedman, pairs, shape = rank_tests(table)
        lines += [
            f"## Test accuracy at {b} s",
            "",
            _md_table(
                table.rename(columns=LABELS),
                csv=out / "tables" / f"accuracy_{b}s.csv",
            ),
            "",
        ]
        lines += [
            f"Average rank at {b} s (1 = best; {shape[0]} datasets, methods with a "
            "result on every dataset in Friedman's test):",
            "",
            "| method | average rank |",
            "|---|---|",
        ]
        lines += [f"| {LABELS.get(m, m)} | {v:.2f} |" for m, v in average.items()]
        lines += [
            "",
            f"Friedman chi² = {_fmt(friedman[0], 2)}, p = {_fmt(friedman[1], 4)}",
            "",
        ]
        if len(pairs):
            pairs.to_csv(out / f"wilcoxon_{b}s.csv", index=False)
            show = pairs.assign(
                method=pairs["method"].map(LABELS), against=pairs["against"].map(LABELS)
            ).set_index("method")
            lines += [
                "Wilcoxon signed-rank tests (two-sided, Holm-corrected):",
                "",
                _md_table(show, 3, csv=out / "tables" / f"wilcoxon_{b}s.csv"),
                "",
            ]
        headline[f"ranks_{b}s"] = {m: round(float(v), 2) for m, v in average.items()}
        rank_columns[f"{b} s"] = average
        headline[f"friedman_p_{b}s"] = (
            None if not np.isfinite(friedman[1]) else float(friedman[1])
        )

    ranks = pd.DataFrame(rank_columns)
    ranks = ranks.reindex([m for m in LABELS if m in ranks.index]).rename(index=LABELS)
    ranks.index.name = "method"
    _md_table(ranks, 2, csv=out / "tables" / "ranks.csv")

    # Time to match the selector.
    big = max(budgets)
    match_rows = []
    for d in datasets:
        for s in seeds:
            for ref in ("mms_verify3", "mms_zero_shot"):
                ref_row = by_key.get((d, ref, s))
                if ref_row is None or ref_row["status"] != "ok":
                    continue
                target = ref_row["trace"][-1]["test_score"]
                for m in LABELS:
                    if m in MMS or m in PER_BUDGET:
                        continue
                    row = by_key.get((d, m, s))
                    if row is None:
                        continue
                    t = first_time(row, target)
                    match_rows.append(
                        {
                            "dataset": d,
                            "seed": s,
                            "reference": ref,
                            "reference_time": ref_row["wall"],
                            "method": m,
                            "time_to_match": t,
                            "ratio": t / ref_row["wall"]
                            if np.isfinite(t)
                            else math.inf,
                        }
                    )
    match = pd.DataFrame(match_rows)
    if len(match):
        match.to_csv(out / "time_to_match.csv", index=False)
        lines += [
            f"## Time to match the selector (within {big} s)",
            "",
            "Seconds until a search's incumbent reaches the test accuracy of "
            "MetaModelSelector (verify top 3, fit included); '—' when it never does "
            "within the budget.",
            "",
        ]
        ref = match[match["reference"] == "mms_verify3"]
        # dropna=False: a dataset where no search ever matched stays, all '—'.
        pivot = ref.pivot_table(
            index="dataset",
            columns="method",
            values="time_to_match",
            aggfunc="mean",
            dropna=False,
        )
        pivot = pivot.reindex(columns=[m for m in LABELS if m in pivot]).rename(
            columns=LABELS
        )
        pivot.index.name = "dataset"
        lines += [_md_table(pivot, 1, csv=out / "tables" / "time_to_match.csv"), ""]
        summary = ref.groupby("method").agg(
            matched=("time_to_match", lambda t: int(np.isfinite(t).sum())),
            n=("time_to_match", "size"),
            median_time=(
                "time_to_match",
                lambda t: float(np.median(np.where(np.isfinite(t), t, np.inf))),
            ),
            median_ratio=("ratio", "median"),
        )
        summary.index = summary.index.map(LABELS)
        summary.index.name = "method"
        lines += [
            "Median over datasets (a dataset never matched counts as infinitely slow):",
            "",
            _md_table(summary, 2, csv=out / "tables" / "time_to_match_summary.csv"),
            "",
        ]
        headline["time_to_match_vs_verify3"] = {
            k: {kk: (None if not np.isfinite(vv) else vv) for kk, vv in v.items()}
            for k, v in summary.to_dict(orient="index").items()
        }

    # CPU time.
    cost = scores[scores["budget"] == big].groupby("method")[["wall", "cpu"]].median()
    cost["cpu / wall"] = cost["cpu"] / cost["wall"]
    cost = cost.reindex([m for m in LABELS if m in cost.index]).rename(index=LABELS)
    cost.index.name = "method"
    lines += [
        f"## Wall and CPU time of a run (median over datasets, budget {big} s)",
        "",
        _md_table(cost, 2, csv=out / "tables" / "cost.csv"),
        "",
    ]

    # Goals of issue 7.
    goal_budget = 60 if 60 in budgets else big
    goal_rows = []
    for d in datasets:
        for s in seeds:
            rnd = by_key.get((d, "random", s))
            target = score_at(rnd, goal_budget) if rnd else math.nan
            times = []
            for m in ("mms_anytime", "mms_verify3"):
                row = by_key.get((d, m, s))
                if row is not None and np.isfinite(target):
                    times.append(first_time(row, target))
            times = [t for t in times if np.isfinite(t)]
            t = min(times) if times else math.inf
            zero = by_key.get((d, "mms_zero_shot", s))
            flaml = next(
                (
                    r
                    for r in rows
                    if r["dataset"] == d
                    and r["method"] == "flaml"
                    and r["seed"] == s
                    and r["budget"] == goal_budget
                ),
                None,
            )
            goal_rows.append(
                {
                    "dataset": d,
                    "seed": s,
                    "random_score": target,
                    "mms_time_to_random": t,
                    "ratio": t / goal_budget,
                    "zero_shot": score_at(zero, big) if zero else math.nan,
                    "flaml": score_at(flaml, goal_budget) if flaml else math.nan,
                }
            )
    goals = pd.DataFrame(goal_rows)
    goals["zero_shot_minus_flaml_points"] = 100 * (goals["zero_shot"] - goals["flaml"])
    goals.to_csv(out / "goals.csv", index=False)
    ratio = float(np.median(goals["ratio"])) if len(goals) else math.nan
    gap = (
        float(np.nanmedian(goals["zero_shot_minus_flaml_points"]))
        if goals["flaml"].notna().any()
        else math.nan
    )
    headline["goal_time_ratio_median"] = None if not np.isfinite(ratio) else ratio
    headline["goal_time_ratio_met"] = bool(np.isfinite(ratio) and ratio <= 0.1)
    headline["goal_zero_shot_minus_flaml_points_median"] = (
        None if not np.isfinite(gap) else gap
    )
    headline["goal_zero_shot_vs_flaml_met"] = bool(np.isfinite(gap) and gap >= -1)
    show = goals.set_index("dataset")
    verdict = {True: "met", False: "missed"}
    met_time = verdict[headline["goal_time_ratio_met"]]
    met_gap = verdict[headline["goal_zero_shot_vs_flaml_met"]]
    lines += [
        f"## Goals of issue 7 (budget {goal_budget} s)",
        "",
        _md_table(show.drop(columns=["seed"]), 3, csv=out / "tables" / "goals.csv"),
        "",
        f"- Median time for MetaModelSelector with verification to reach "
        f"RandomizedSearchCV's {goal_budget} s test accuracy, over {goal_budget} s: "
        f"**{_fmt(ratio, 3)}** (goal <= 0.1: {met_time}).",
        f"- Median zero-shot minus FLAML ({goal_budget} s), accuracy points: "
        f"**{_fmt(gap, 2)}** (goal >= -1: {met_gap}).",
        "",
    ]
    failures = scores[scores["status"] != "ok"].drop_duplicates(
        ["dataset", "method", "budget"]
    )
    if len(failures):
        lines += ["## Failed runs", ""]
        lines += [
            f"- {r.dataset}, {LABELS.get(r.method, r.method)}, {r.budget} s: {r.error}"
            for r in failures.itertuples()
        ]
        lines.append("")
    ablation = out / "ablation_groups.csv"
    if ablation.exists():
        groups = pd.read_csv(ablation, index_col=0)
        sizes = pd.read_csv(out / "ablation_kb_size.csv", index_col=0)
        lines += [
            "## Ablation of the zero-shot selector (knowledge base, grouped CV)",
            "",
            "Top-1 regret of the meta-model's first choice among each held-out "
            "dataset's measured configurations (accuracy points, and normalised).",
            "",
            _md_table(groups, 3, csv=out / "tables" / "ablation_groups.csv"),
            "",
            _md_table(sizes, 3, csv=out / "tables" / "ablation_kb_size.csv"),
            "",
        ]
        headline["ablation_groups"] = groups.to_dict(orient="index")
        headline["ablation_kb_size"] = sizes.to_dict(orient="index")
    (out / "summary.md").write_text("\n".join(lines))
    (out / "headline.json").write_text(
        json.dumps(headline, indent=2, default=float) + "\n"
    )
    plot(rows, scores, datasets, budgets, out)
    print(f"report written to {out}")


def plot(rows, scores, datasets, budgets, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    big = max(budgets)
    colours = dict(zip(LABELS, plt.get_cmap("tab20").colors[::1], strict=False))
    n = len(datasets)
    cols = min(3, n)
    fig, axes = plt.subplots(
        math.ceil(n / cols),
        cols,
        figsize=(5 * cols, 3.6 * math.ceil(n / cols)),
        squeeze=False,
    )
    for ax, d in zip(axes.flat, datasets, strict=False):
        for r in rows:
            if (
                r["dataset"] != d
                or r["seed"] != rows[0]["seed"]
                or r["status"] != "ok"
                or not r["trace"]
            ):
                continue
            m = r["method"]
            colour = colours.get(m)
            if m in PER_BUDGET or m in ("mms_zero_shot", "mms_verify3"):
                marker = {
                    "flaml": "s",
                    "tpot": "D",
                    "mms_zero_shot": "*",
                    "mms_verify3": "P",
                }[m]
                ax.plot(
                    r["wall"],
                    r["trace"][-1]["test_score"],
                    marker,
                    color=colour,
                    ms=9,
                    label=LABELS[m]
                    if r["budget"] == big or m not in PER_BUDGET
                    else None,
                )
                continue
            t = [e["time"] for e in r["trace"]] + [r["wall"]]
            s = [e["test_score"] for e in r["trace"]]
            s = s + [s[-1]]
            ax.step(
                t,
                s,
                where="post",
                color=colour,
                label=LABELS[m],
                lw=2 if m == "mms_anytime" else 1.2,
            )
        ax.set_xscale("log")
        ax.set_xlim(0.1, big * 1.3)
        ax.set_title(d)
        ax.set_xlabel("wall time (s)")
        ax.set_ylabel("test accuracy")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(out / "anytime.png", dpi=80)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.8 / len(budgets)
    for i, b in enumerate(budgets):
        table = (
            scores[scores["budget"] == b]
            .groupby(["dataset", "method"])["test_score"]
            .mean()
            .unstack()
        )
        table = table.dropna(axis=1, how="all")
        ranks = table.rank(axis=1, ascending=False, na_option="bottom").mean()
        order = [m for m in LABELS if m in ranks.index]
        ax.barh(
            np.arange(len(order)) + i * width,
            ranks[order],
            height=width,
            label=f"{b} s",
        )
        ax.set_yticks(np.arange(len(order)) + width * (len(budgets) - 1) / 2)
        ax.set_yticklabels([LABELS[m] for m in order])
    ax.invert_yaxis()
    ax.set_xlabel("average rank of test accuracy (1 = best)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "ranks.png", dpi=80)
    plt.close(fig)


# -- ablation ------------------------------------------------------------------


def run_ablation(args):
    """Top-1 regret of the zero-shot meta-model by grouped CV on the knowledge base,
    with subsets of meta-feature groups and of training datasets. No search runs:
    the held-out datasets' configurations were all measured by the collector."""
    out = args.out_dir
    if (out / "ablation_groups.csv").exists() and (
        out / "ablation_kb_size.csv"
    ).exists():
        return
    from compare import snapshot_kb
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold

    from skmeta.metalearning import load_knowledge_base
    from skmeta.metalearning._meta_model import (
        METAFEATURE_GROUPS,
        MF_PREFIX,
        build_meta_dataset,
        make_meta_regressor,
        metafeature_names,
    )

    snapshot = snapshot_kb(args.knowledge_base, out / "_work")
    kb = load_knowledge_base("classification", snapshot)
    meta = build_meta_dataset(kb, "classification", scoring="accuracy")
    groups_of = {
        g: {MF_PREFIX + n for n in metafeature_names("classification", (g,))}
        for g in METAFEATURE_GROUPS
    }
    mf_cols = [c for c in meta.X.columns if c.startswith(MF_PREFIX)]
    config_cols = [c for c in meta.X.columns if not c.startswith(MF_PREFIX)]
    simple = {MF_PREFIX + n for n in ("nr_inst", "nr_attr", "nr_class")}
    settings = {"all groups": set(mf_cols)}
    for g, cols in groups_of.items():
        settings[f"without {g}"] = set(mf_cols) - cols
    for g, cols in groups_of.items():
        settings[f"only {g}"] = cols & set(mf_cols)
    settings["n, p, classes only"] = simple & set(mf_cols)
    settings["no meta-features"] = set()
    # Gradient boosting, not the nearest-datasets blend: it reads any subset of the
    # columns, none included (the blend's neighbours need meta-features).
    regressor = make_meta_regressor("gradient_boosting")
    folds = list(
        GroupKFold(n_splits=args.ablation_folds).split(meta.X, groups=meta.group_id)
    )
    frame = pd.DataFrame({"dataset": meta.dataset_id, "raw": meta.raw})

    def evaluate(columns, train_filter=None):
        regrets = []
        for train, test in folds:
            if train_filter is not None:
                train = train_filter(train)
            X = meta.X[columns]
            model = clone(regressor).fit(X.iloc[train], meta.normalised[train])
            pred = model.predict(X.iloc[test])
            part = frame.iloc[test].assign(pred=pred)
            for _, block in part.groupby("dataset"):
                best, worst = block["raw"].max(), block["raw"].min()
                chosen = block["raw"].iloc[int(np.argmax(block["pred"].to_numpy()))]
                span = best - worst
                regrets.append(
                    (100 * (best - chosen), (best - chosen) / span if span > 0 else 0.0)
                )
        regrets = np.array(regrets)
        return {
            "regret_points_mean": regrets[:, 0].mean(),
            "regret_points_median": float(np.median(regrets[:, 0])),
            "normalised_regret_mean": regrets[:, 1].mean(),
            "normalised_regret_median": float(np.median(regrets[:, 1])),
            "n_test_datasets": len(regrets),
        }

    table = {}
    for name, cols in settings.items():
        print(f"ablation: {name}", flush=True)
        columns = [c for c in mf_cols if c in cols] + config_cols
        table[name] = {"n_meta_features": len(cols), **evaluate(columns)}
    groups = pd.DataFrame(table).T
    groups.index.name = "meta-features"
    groups.to_csv(out / "ablation_groups.csv")

    rng = np.random.RandomState(0)
    n_all = len(np.unique(meta.dataset_id))
    sizes = {}
    for size in [5, 10, 20, 40, 80, n_all]:
        print(f"ablation: {size} training datasets", flush=True)

        def keep(train, size=size):
            ids = np.unique(meta.dataset_id[train])
            if size >= len(ids):
                return train
            chosen = rng.choice(ids, size=size, replace=False)
            return train[np.isin(meta.dataset_id[train], chosen)]

        sizes[min(size, n_all)] = evaluate(mf_cols + config_cols, keep)
    sizes = pd.DataFrame(sizes).T
    sizes.index.name = "training datasets (at most)"
    sizes.to_csv(out / "ablation_kb_size.csv")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.barh(groups.index, groups["regret_points_mean"])
    left.invert_yaxis()
    left.set_xlabel("mean top-1 regret (accuracy points)")
    left.set_title("meta-feature groups")
    right.plot(sizes.index, sizes["regret_points_mean"], "o-", label="mean")
    right.plot(sizes.index, sizes["regret_points_median"], "s--", label="median")
    right.set_xscale("log")
    right.set_xlabel("training datasets in the knowledge base")
    right.set_ylabel("top-1 regret (accuracy points)")
    right.set_title("knowledge-base size")
    right.legend()
    fig.tight_layout()
    fig.savefig(out / "ablation.png", dpi=80)
    plt.close(fig)
