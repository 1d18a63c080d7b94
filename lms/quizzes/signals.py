"""Events the quizzes feature sends; who receives them is in the README ("How features talk")."""
from blinker import Namespace

_signals = Namespace()

#: sent while counting a learner's attempts at a quiz that has an attempt limit
#: (quizzes.services.attempt_window_start); sender is the Quiz, with keyword argument user_id.
#: A receiver may start a new allowance of attempts: it returns the moment from which attempts
#: count, or None. Certificates does, so that a learner renewing an expired certificate can take
#: the quizzes again. Receivers only read.
attempt_allowance_asked = _signals.signal("attempt-allowance-asked")
