"""Where the classification first choice loses, and what verification can win back.

On one set of out-of-fold predictions of the shipped meta-model (grouped
10-fold CV as in ``meta_model_study.py``), per dataset, normalised regrets:

1. **Decomposition of the first choice.** The regret of the top-ranked
   configuration of the *best* family (a perfect family choice, the meta-model's
   order within it), of the best configuration of the *predicted* family (the
   meta-model's family choice, a perfect choice within it), and the rank of the
   best family among the families ordered by their best prediction.
2. **How to spend k verifications across families.** Allocations such as
   ``(2, 1, 1, 1)`` verify the two best-ranked configurations of the
   best-ranked family, then one of each of the next three; ``(1, 1, 1, 1, 1)``
   is the family-diverse head MetaModelSelector verifies.
3. **Sequential verification.** Each verified score is evidence about the
   others: after each one, the predictions are corrected under a Gaussian model
   ``score = prediction + family effect + noise``, whose family effects are
   correlated as the out-of-fold residuals of the *other* datasets are, and the
   next configuration verified is the one of largest expected improvement over
   the best verified so far. The noise scale is the residuals' within-family
   spread, times 1/4, 1 or 4.
4. **A model of families.** A booster learns, from the meta-features, each
   family's best score on a dataset (or the mean of its three best), one row
   per (dataset, family) instead of per configuration; the blend's ranking
   within each family is kept, and each family's level moved towards the
   family model's (a share of 1/4, 1/2 or all of it). Same folds.

Parts 3 and 4 add measured scores to predictions, so they run only where the
meta-model learns the raw score (classification's default).

::

    python benchmarks/meta_model_headroom.py --out benchmarks/meta_model
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from meta_model_study import _missing_metafeatures
from scipy.stats import norm
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import (
    dataset_folds,
    out_of_fold_predictions,
)
from skmeta.metalearning._meta_model import (
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    MF_PREFIX,
    build_meta_dataset,
    make_meta_regressor,
)

NOISE_SCALES = (0.25, 1.0, 4.0)


def _regret(measured, chosen):
    """Normalised regret of the best of ``chosen``."""
    span = measured.max() - measured.min()
    if span <= 0:
        return 0.0
    return (measured.max() - measured[chosen].max()) / span


def _families_in_order(predicted, families):
    """Each family's row positions, best prediction first; families in the order
    of their best prediction."""
    order = np.argsort(-predicted, kind="stable")
    ranked = list(dict.fromkeys(families[order]))
    return ranked, [order[families[order] == family] for family in ranked]


def decomposition(datasets):
    rows = []
    for dataset, predicted, measured, families in datasets:
        ranked, members = _families_in_order(predicted, families)
        best_family = families[np.argmax(measured)]
        in_best = members[ranked.index(best_family)]
        rows.append(
            {
                "dataset_id": dataset,
                "first_choice": _regret(measured, [np.argmax(predicted)]),
                "best_family_first": _regret(measured, in_best[:1]),
                "best_family_first_3": _regret(measured, in_best[:3]),
                "predicted_family_best": _regret(
                    measured, np.flatnonzero(families == ranked[0])
                ),
                "best_family_rank": ranked.index(best_family) + 1,
            }
        )
    return pd.DataFrame(rows)


def _allocations(k, largest=None):
    """The partitions of ``k``: non-increasing tuples of positive counts, the
    one-family allocation first."""
    if k == 0:
        return [()]
    largest = k if largest is None else largest
    return [
        (first, *rest)
        for first in range(min(k, largest), 0, -1)
        for rest in _allocations(k - first, first)
    ]


def _allocated(predicted, families, allocation):
    ranked, members = _families_in_order(predicted, families)
    # A family ranked beyond the allocation gets none (zip stops at the shorter).
    pairs = zip(allocation, members, strict=False)
    chosen = [j for count, rows in pairs for j in rows[:count]]
    # A dataset with fewer families than the allocation: fill in ranked order.
    for j in np.argsort(-predicted, kind="stable"):
        if len(chosen) >= sum(allocation):
            break
        if j not in chosen:
            chosen.append(j)
    return chosen


def _sequential(predicted, measured, family_index, covariance, noise, k):
    """Verify ``k`` configurations one at a time, each the one of largest
    expected improvement under the correlated family-effect model."""
    n_families = len(covariance)
    precision = np.linalg.inv(covariance + 1e-8 * np.eye(n_families))
    chosen = [int(np.argmax(predicted))]
    while len(chosen) < min(k, len(predicted)):
        seen = np.zeros((len(chosen), n_families))
        seen[np.arange(len(chosen)), family_index[chosen]] = 1.0
        residual = measured[chosen] - predicted[chosen]
        posterior = np.linalg.inv(precision + seen.T @ seen / noise**2)
        effect = posterior @ seen.T @ residual / noise**2
        mean = predicted + effect[family_index]
        sd = np.sqrt(np.diag(posterior)[family_index] + noise**2)
        gain = mean - measured[chosen].max()
        improvement = gain * norm.cdf(gain / sd) + sd * norm.pdf(gain / sd)
        improvement[chosen] = -np.inf
        chosen.append(int(np.argmax(improvement)))
    return chosen


def verification(datasets, sequential, ks=(3, 5)):
    all_families = np.unique(np.concatenate([f for *_, f in datasets]))
    # Each dataset's mean residual per family, and the within-family spread.
    effects, within = {}, []
    for dataset, predicted, measured, families in datasets:
        residual = pd.Series(measured - predicted)
        means = residual.groupby(families).mean()
        effects[dataset] = means.reindex(all_families).to_numpy()
        within.append(np.mean((residual - means.loc[families].to_numpy()) ** 2))
    effects = pd.DataFrame(effects, index=all_families).T
    noise = np.sqrt(np.median(within))
    allocations = {k: _allocations(k) for k in ks}
    rows = []
    for dataset, predicted, measured, families in datasets:
        row = {"dataset_id": dataset}
        for k in ks:
            for allocation in allocations[k]:
                name = "alloc" + "-".join(map(str, allocation))
                chosen = _allocated(predicted, families, allocation)
                row[f"{name}@{k}"] = _regret(measured, chosen)
        if not sequential:
            rows.append(row)
            continue
        # Correlations learned on the other datasets only.
        covariance = effects.drop(index=dataset).cov().to_numpy()
        index = np.searchsorted(all_families, families)
        for scale in NOISE_SCALES:
            chosen = _sequential(
                predicted, measured, index, covariance, noise * scale, max(ks)
            )
            for k in ks:
                row[f"sequential_x{scale:g}@{k}"] = _regret(measured, chosen[:k])
        rows.append(row)
    return pd.DataFrame(rows), noise


def relevelled(meta, predicted, folds, shares=(0.25, 0.5, 1.0)):
    """First-choice regret once each family's level is moved towards a family
    model's prediction of its best (or three best) scores."""
    frame = pd.DataFrame(
        {
            "dataset": np.asarray(meta.dataset_id),
            "family": np.asarray(meta.family),
            "measured": np.asarray(meta.raw),
            "predicted": predicted,
        }
    )
    ranked = frame.sort_values("measured", ascending=False)
    grouped = ranked.groupby(["dataset", "family"], sort=True)
    families = grouped.agg(
        best=("measured", "max"),
        top_3=("measured", lambda s: s.iloc[:3].mean()),
        level=("predicted", "max"),
        size=("measured", "size"),
    ).reset_index()
    columns = [c for c in meta.X.columns if c.startswith(MF_PREFIX)]
    per_dataset = meta.X[columns].groupby(np.asarray(meta.dataset_id)).first()
    X = pd.concat(
        [
            per_dataset.loc[families.dataset].reset_index(drop=True),
            pd.get_dummies(families.family, dtype=float),
            np.log(families["size"]).rename("log_size"),
        ],
        axis=1,
    )
    key = pd.MultiIndex.from_frame(frame[["dataset", "family"]])
    measured = frame.measured.to_numpy()
    positions = frame.groupby("dataset").indices
    rows = {}
    for target in ("best", "top_3"):
        modelled = np.full(len(families), np.nan)
        for _, test in folds:
            held_out = families.dataset.isin(np.asarray(meta.dataset_id)[test])
            booster = make_meta_regressor("gradient_boosting", random_state=0)
            booster.fit(X[~held_out], families[target][~held_out])
            modelled[held_out.to_numpy()] = booster.predict(X[held_out])
        levels = families.assign(modelled=modelled).set_index(["dataset", "family"])
        shift = (levels.modelled.loc[key] - levels.level.loc[key]).to_numpy()
        for share in shares:
            moved = predicted + share * shift
            rows[f"relevel_{target}_{share:g}"] = {
                dataset: _regret(measured[at], [np.argmax(moved[at])])
                for dataset, at in positions.items()
            }
    return pd.DataFrame(rows).rename_axis("dataset_id").reset_index()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge-base", default=None)
    parser.add_argument("--pmlb", help="PMLB folder, to compute missing meta-features")
    parser.add_argument("--out", default="benchmarks/meta_model", help="output folder")
    parser.add_argument("--n-splits", type=int, default=10, help="grouped folds (10)")
    parser.add_argument("--task", default="classification")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    task = args.task
    with threadpool_limits(1):
        kb = load_knowledge_base(task, args.knowledge_base)
        kb.metafeatures = _missing_metafeatures(
            kb, task, args.pmlb, out / f"{task}_metafeatures_cache.csv"
        )
        meta = build_meta_dataset(kb, task)
        folds = dataset_folds(meta, args.n_splits)
        predicted = out_of_fold_predictions(
            meta,
            make_meta_regressor(DEFAULT_META_REGRESSOR, task=task),
            folds,
            DEFAULT_TARGETS[task],
        )
    # Parts 3 and 4 add measured scores to predictions: the raw target only.
    raw_target = DEFAULT_TARGETS[task] == "raw"
    measured, families = np.asarray(meta.raw), np.asarray(meta.family)
    datasets = [
        (d, predicted[mask], measured[mask], families[mask])
        for d in np.unique(meta.dataset_id)
        for mask in [np.asarray(meta.dataset_id) == d]
    ]
    parts = decomposition(datasets)
    rules, noise = verification(datasets, raw_target)
    per = parts.merge(rules, on="dataset_id")
    if raw_target:
        per = per.merge(relevelled(meta, predicted, folds), on="dataset_id")
    per.to_csv(out / f"{task}_headroom.csv", index=False, float_format="%.5g")
    summary = per.drop(columns="dataset_id").agg(["median", "mean"]).T
    ranks = parts.best_family_rank
    print(f"{task}: {len(per)} datasets")
    if raw_target:
        print(f"within-family residual sd {noise:.4f}")
    print(
        "best family ranked first / top 2 / top 3 by the meta-model: "
        + ", ".join(f"{(ranks <= r).mean():.0%}" for r in (1, 2, 3))
    )
    print(summary.round(4).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
