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

#: sent by cohorts.reach.last_visits (the group report: page, learner page, CSV) to learn when members were
#: last visited; sender None, with keyword argument members, user ids (a list, lms.database.among writes them
#: into the statement) or a SELECT of them. A receiver returns {user id: latest moment a visit of the member
#: was recorded}, members never visited left out, in one query for any number of members (practice: the
#: latest skill observation that counts). Receivers only read.
visits_asked = _signals.signal("visits-asked")

#: sent by cohorts.services.remove_member and delete_cohort just before members leave a group (their rows are
#: deleted); sender the Cohort, with keyword argument members, a list of (user id, joined_at) of those leaving.
#: Receivers may write in the caller's transaction (personal_data keeps when each was in the group, so a
#: learner still sees the group reports made while they were a member); they never stop the removal.
members_leaving = _signals.signal("members-leaving")
