"""Optional glue to third-party libraries, each imported lazily."""
