"""Root conftest: makes plain ``pytest`` import the in-tree package.

scikit-learn skips whole families of its estimator checks unless scipy's array API
support is on, and that switch is read once, when scipy is first imported.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
