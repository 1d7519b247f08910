"""Write an intersphinx inventory of scikit-learn's public API, offline.

scikit-learn's documentation puts every public class and function on the page
``modules/generated/<full name>.html``, so the inventory can be derived from the
installed package rather than downloaded: docs builds on machines without network
(CI) still link to scikit-learn.
"""

import importlib
import inspect
import pkgutil
import re
import zlib

import sklearn

# Terms of scikit-learn's glossary that docstrings written in its style link to with
# ``:term:``; Sphinx anchors a term at ``glossary.html#term-<term>``.
_GLOSSARY_TERMS = (
    "classifier",
    "cross-validation generator",
    "cross-validation estimator",
    "decision_function",
    "estimator",
    "feature_names_in_",
    "fit",
    "fit_transform",
    "get_feature_names_out",
    "joblib",
    "meta-estimator",
    "n_features_in_",
    "n_jobs",
    "partial_fit",
    "predict",
    "predict_log_proba",
    "predict_proba",
    "random_state",
    "regressor",
    "score",
    "scorer",
    "set_output",
    "transform",
    "transformer",
    "warm_start",
)


# Sections of scikit-learn's user guide that inherited docstrings link to.
_LABELS = (
    ("glossary", "glossary.html#glossary", "Glossary of Common Terms"),
    ("metadata_routing", "metadata_routing.html#metadata-routing", "Metadata Routing"),
)


def _public_objects():
    for module_info in pkgutil.walk_packages(sklearn.__path__, "sklearn."):
        name = module_info.name
        if any(part.startswith("_") or part == "tests" for part in name.split(".")):
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:
            # Optional parts of scikit-learn (e.g. experimental enablers) may need
            # dependencies that are not installed; they are simply not linked.
            continue
        yield name, "py:module", None
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr, None)
            if inspect.isclass(obj):
                yield f"{name}.{attr}", "py:class", f"{name}.{attr}"
            elif callable(obj):
                yield f"{name}.{attr}", "py:function", f"{name}.{attr}"


def write_sklearn_inventory(path):
    """Write the inventory (Sphinx's ``objects.inv`` format, version 2) to ``path``."""
    lines = []
    for name, role, page in _public_objects():
        uri = (
            f"modules/generated/{page}.html#$" if page else f"api/{name}.html#module-$"
        )
        lines.append(f"{name} {role} 1 {uri} -")
    for term in _GLOSSARY_TERMS:
        anchor = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
        lines.append(f"{term} std:term -1 glossary.html#term-{anchor} -")
    for label, uri, title in _LABELS:
        lines.append(f"{label} std:label -1 {uri} {title}")
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: scikit-learn\n"
        f"# Version: {sklearn.__version__}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    body = zlib.compress("\n".join(sorted(set(lines))).encode() + b"\n")
    path.write_bytes(header.encode() + body)
