"""What the workflow tells the rest of the product, as blinker signals (the one seam between the
workflow and notifications: the workflow sends, notifications connects; neither imports the other's
internals).

`decided` is sent with the EvidenceSubmission or DueDateRequest a reviewer has just decided on,
inside the decision's transaction, after its audit event: a receiver that writes (the e-mail to the
outbox) writes in the same transaction, so that the decision and its message are kept or lost
together.
"""
from blinker import Namespace

_signals = Namespace()
decided = _signals.signal("decided")
