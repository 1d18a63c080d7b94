"""Events the courses feature sends; who receives them is in the README ("How features talk").

Receivers live in the listening feature's listeners.py and are connected by its `connect()`,
which create_app calls. Receivers run in the sender's request or command, inside its transaction:
they may write, never commit.
"""
from blinker import Namespace

_signals = Namespace()

#: sent once per enrolment, inside the transaction that completed the course
#: (courses.services.complete_if_done); sender is the Course, with keyword arguments user_id and
#: enrollment. Receivers may write (certificates issues the first certificate).
course_completed = _signals.signal("course-completed")

#: sent when the learner's dashboard shows their finished courses, so listeners can catch up on
#: what the completing request did not do (certificates issues a missing certificate); sender is
#: None, with keyword arguments user_id and finished, a list of (Enrollment, Course). Receivers
#: return True when they wrote something: the dashboard then commits.
completed_courses_shown = _signals.signal("completed-courses-shown")

#: sent by the importer (courses.importer.module_file_handlers) whenever it reads module folders;
#: sender is None. A feature that owns one file name in module folders returns its
#: ModuleFileHandler (quizzes: quiz.yaml), which then parses, counts and applies that file.
reading_module_files = _signals.signal("reading-module-files")
