"""Root conftest: makes plain ``pytest`` import the in-tree package.

scikit-learn skips whole families of its estimator checks unless scipy's array API
support is on, and that switch is read once, when scipy is first imported.

The trained meta-models the tests write go to a folder of their own, removed at
the end, not to the user's cache or the one ``SKMETA_CACHE_DIR`` names.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SCIPY_ARRAY_API", "1")
_cache = tempfile.mkdtemp(prefix="skmeta-test-cache-")
os.environ["SKMETA_CACHE_DIR"] = _cache
atexit.register(shutil.rmtree, _cache, ignore_errors=True)
