"""Events other features listen to (certificates issue one when a course is completed)."""
from blinker import Namespace

_signals = Namespace()

#: sent once per enrolment, inside the transaction that completed the course;
#: sender is the Course, with keyword arguments user and enrollment
course_completed = _signals.signal("course-completed")

#: sent when the learner's dashboard shows their finished courses, so listeners can catch up on
#: what the completing request did not do (certificates issue a missing certificate); sender is
#: None, with keyword arguments user_id and finished, a list of (Enrollment, Course). Receivers
#: return True when they wrote something: the dashboard then commits.
completed_courses_shown = _signals.signal("completed-courses-shown")
