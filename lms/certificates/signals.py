"""Events the certificates feature sends; who receives them is in the README ("How features talk").

Receivers run inside the sender's transaction: they may write, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: sent once per certificate, in the transaction that issued it (services.issue_certificate), after
#: the row is flushed; sender is the Certificate. Receivers may write (credentials signs the Open
#: Badges credential of the certificate).
certificate_issued = _signals.signal("certificate-issued")

#: sent when a certificate is revoked, reinstated or withdrawn at its holder's request (services.revoke /
#: reinstate / withdraw), in that transaction; sender is the Certificate, with keyword argument kind ("revoked",
#: "reinstated" or "withdrawn"). Receivers may write (credentials marks the certificate's status list for
#: re-signing, and forgets the holder in its stored copy of a withdrawn one).
certificate_status_changed = _signals.signal("certificate-status-changed")

#: sent by `lms certificates reconcile` after the owed certificates were issued and committed; sender is
#: None. A receiver that derives something from certificates returns (label, batches): an iterator that
#: catches up one batch at a time, yielding how many it made; the command commits after each batch and
#: prints the total with the label (credentials signs the missing credentials).
certificates_reconciled = _signals.signal("certificates-reconciled")
