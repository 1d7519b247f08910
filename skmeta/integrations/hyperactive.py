"""Hyperband for Hyperactive (needs the ``hyperactive`` extra).

Importing this module imports :mod:`hyperactive`; ``import skmeta`` never does.
"""

try:
    import hyperactive  # noqa: F401
except ImportError as exc:
    raise ImportError(
        "skmeta.integrations.hyperactive needs the hyperactive package (>= 5.0.4), "
        "which is not installed. Install it with: pip install 'skmeta[hyperactive]'."
    ) from exc

from ._hyperactive import HyperbandOptimizer, SubsampledCvExperiment

__all__ = ["HyperbandOptimizer", "SubsampledCvExperiment"]
