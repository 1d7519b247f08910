"""Utilities shared by skmeta's subpackages."""
