"""Events other features listen to (certificates issue one when a course is completed)."""
from blinker import Namespace

_signals = Namespace()

#: sent once per enrolment, inside the transaction that completed the course;
#: sender is the Course, with keyword arguments user and enrollment
course_completed = _signals.signal("course-completed")
