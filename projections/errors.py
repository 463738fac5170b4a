"""Errors of the projections.

::

    ProjectionError       root of every error this package raises
    └── OutOfSequence     an envelope that does not continue the folded stream
"""

from __future__ import annotations


class ProjectionError(Exception):
    """Root of the projections' errors."""


class OutOfSequence(ProjectionError):
    """The envelope's seq, stream or prev does not follow the state's head."""
