"""Events the cohorts feature sends; who receives them is in the README ("How features talk").

Receivers live in the listening feature's listeners.py and are connected by its `connect()`, which
create_app calls.
"""
from blinker import Namespace

_signals = Namespace()

#: sent by the group report CSV (cohorts.views.export_csv) before it writes its rows, so that a feature
#: above can add columns; sender is the Cohort, with keyword argument members, the group's members' user
#: ids (CohortReport.learners; lms.database.among takes them): a fixed number of queries for any group.
#: A receiver returns (headers, cells): its column headers and {user id: [one cell per header]}; a member
#: missing from cells gets empty cells. Practice adds one column per skill. Receivers only read.
report_columns_asked = _signals.signal("report-columns-asked")
