"""What each finding says, and what to do about it, in the reader's language."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "long_lesson": _l("The lesson has %(words)d words; keep it under %(max)d, or split it into two lessons."),
    "long_sentences_on_average": _l("Sentences have %(average)s words on average; aim for 8 to 12 so that every "
                                    "reader can follow (at most %(max)s)."),
    "hard_words": _l("%(share)d%% of the words have four syllables or more (at most %(max)d%%): use everyday "
                     "words, and explain each official term the first time."),
    "long_sentence": _l("This sentence has %(words)d words (more than %(max)d): split it into shorter ones."),
    "reading_time_too_short": _l("%(words)d words cannot be read in %(minutes)d minutes: set the reading time to "
                                 "at least %(honest)d."),
    "image_without_alt": _l("The picture “%(image)s” has no description: say what it shows for readers who "
                            "cannot see it."),
    "small_pool": _l("The quiz has %(pool)d questions; write at least %(min)d so that they are not learnt by "
                     "heart."),
    "attempt_size": _l("Each attempt draws %(drawn)d questions; draw between %(low)d and %(high)d."),
    "few_scenarios": _l("Only %(found)d questions start from a situation at home; write at least %(min)d "
                        "(“What do you do first?”)."),
    "long_ordering": _l("Question “%(question)s” has %(found)d steps to put in order; keep at most %(max)d, and "
                        "only steps whose order is fixed by the guidance."),
    "wrong_without_feedback": _l("Question “%(question)s”: the wrong answer “%(text)s” has no feedback; say why it "
                                 "is wrong."),
    "no_select_all_hint": _l("Question “%(question)s” has several right answers: add “(%(hint)s)” to the "
                             "question."),
    "right_answer_longest": _l("Question “%(question)s”: the right answer is the longest option, as in "
                               "%(found)d of the %(total)d single-choice questions of this course. Learners can "
                               "guess it: make the wrong options as long, or the right one shorter."),
    "multiple_all_but_one": _l("Question “%(question)s”: all options but one are right, as in %(found)d of the "
                               "%(total)d questions with several right answers of this course. Vary how many are "
                               "right."),
    "multiple_never_one": _l("None of the %(total)d questions with several right answers in this course has "
                             "exactly one right option: learners learn to tick almost everything. Vary how many "
                             "are right (this is the first of them)."),
    "hours_differ": _l("The course says %(declared)d hours of study, but its lessons, quizzes and practice add up "
                       "to %(minutes)d minutes, %(computed)d JP of %(jp)d minutes. Remove “hours”: it is "
                       "counted for you."),
    "inconsistent_term": _l("“%(term)s” here, but “%(other)s” %(uses)d times elsewhere in the course: use one "
                            "word (Rawat's courses use “%(preferred)s”)."),
}
