"""The demo: the 2018 Sefton CLAS review plan with invented wording, people and evidence, so that a
newcomer can sign in and see the product at work (SEFTON_DEMO=1, a fixed business date).

Owns loading the demo into an empty database (`loading`, refused on a database that is not the
demo's), its illustrative wording (`content`) and the plan many times over with its history for
benchmarks (`scale`). Uses what is shared and the workflow's fingerprint of evidence files; only the
app's start and the command line use it.
"""
from . import scale
from .loading import PASSWORD, DemoRefused, is_empty, load

__all__ = ["scale", "PASSWORD", "DemoRefused", "is_empty", "load"]
