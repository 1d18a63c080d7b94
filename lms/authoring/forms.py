"""Authoring forms: each one reads or writes one course file's keys, with messages in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from .. import content_format as cf
from ..courses.content_files import SLUG_RE
from ..courses.narrations import LANGUAGES as NARRATION_LANGUAGES
from ..courses.skills_file import MAX_STEPS
from ..forms import AppForm, AppSubform
from .draft_files import clean_text, strip_controls
from .gift import MAX_CHOICES

LANGUAGES = [SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")]
QUESTION_TYPES = {
    "single": _l("One right answer"),
    "multiple": _l("Choose all that apply"),
    "true_false": _l("True or false"),
    "ordering": _l("Put in order"),
}
OPTION_ROWS = 6
#: step rows of a new skill (5 to 10 steps are the aim); "More rows" adds STEP_ROWS_MORE up to the limit
STEP_ROWS = 8
#: a shipped course names up to 39 sources (the importer sets no limit): room for them all and two more
MAX_SOURCE_ROWS = 200
STEP_ROWS_MORE = 4
#: course.yaml's `practice`, each with what it means for the certificate
PRACTICE = {
    "required": (_l("Required"), _l("The certificate is given only after a care manager has seen the learner "
                                    "do every skill well.")),
    "optional": (_l("Optional"), _l("A care manager may observe the skills; the certificate does not wait "
                                    "for them.")),
    "none": (_l("None"), _l("The course has no practical skills.")),
}
PERFORMED_ON = {
    "person": (_l("On the person"), _l("Shown on the person being cared for, with their consent.")),
    "doll": (_l("On a doll or pillow"), _l("Shown on a doll or a pillow, never practised on a person.")),
}
MAX_GIFT_CHARS = 200_000


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("At most %(max)d characters."))


def _range(minimum: int, maximum: int | None = None) -> NumberRange:
    if maximum is None:
        return NumberRange(min=minimum, message=_l("Enter a whole number of at least %(min)s."))
    return NumberRange(min=minimum, max=maximum, message=_l("Enter a whole number from %(min)s to %(max)s."))


def _required(message) -> DataRequired:
    return DataRequired(message)


def _required_number(message) -> InputRequired:
    return InputRequired(message)  # 0 is a number, not a missing value


class CleanInput:
    """Every text field of the form drops control characters (a NUL would break PostgreSQL)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (FieldList, FormField):  # they refuse filters; their fields clean
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), strip_controls]
            return unbound_field.bind(form=form, filters=filters, **options)


class WholeNumberField(IntegerField):
    """An integer field whose parse error is translated; empty input gives None."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if not raw:
            self.data = None
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a whole number, for example 5."))) from None

    def pre_validate(self, form):
        if self.process_errors:  # not a number: say only that
            raise StopValidation()


class SlugField(StringField):
    def pre_validate(self, form):
        self.data = (self.data or "").strip().lower()
        if self.data and (not SLUG_RE.match(self.data) or len(self.data) > 60):
            raise ValidationError(_l("Use lower-case letters, digits and '-' only (at most 60), "
                                     "for example mencuci-tangan."))


SLUG_HINT = _l("Part of the web address, never changed later. Leave empty to make it from the title.")


class CourseFields:
    title = StringField(_l("Course title"), validators=[_required(_l("Give the course a title.")), _length(200)])
    summary = TextAreaField(_l("Summary"), validators=[_required(_l("Write one or two sentences for the catalog.")),
                                                       _length(2000)],
                            description=_l("One or two sentences shown in the catalog."))
    audience = TextAreaField(_l("Who the course is for"), validators=[
        _required(_l("Say who the course is for.")), _length(2000)])
    language = SelectField(_l("Language of the material"), choices=LANGUAGES, default="id")


class NewCourseForm(CleanInput, AppForm, CourseFields):
    slug = SlugField(_l("Short name (optional)"), description=SLUG_HINT)
    submit = SubmitField(_l("Create the course"))


class SourceRow(CleanInput, AppSubform):
    title = StringField(_l("Title"), validators=[_length(300)])
    publisher = StringField(_l("Publisher"), validators=[_length(200)])
    url = StringField(_l("Web address"), validators=[_length(500)])
    year = StringField(_l("Year"), validators=[_length(10)])

    def validate_url(self, field):
        value = (field.data or "").strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValidationError(_l("A web address starts with https://"))


class CourseSettingsForm(CleanInput, AppForm, CourseFields):
    pass_mark = WholeNumberField(_l("Pass mark for quizzes (percent)"), default=70,
                                 validators=[_required_number(_l("Enter the pass mark.")), _range(1, 100)],
                                 description=_l("Used by every quiz that does not set its own."))
    certificate_validity_months = WholeNumberField(
        _l("Certificate valid for (months, optional)"), validators=[Optional(), _range(1, 600)],
        description=_l("Leave empty when the certificate does not expire."))
    authors = TextAreaField(_l("Authors"), validators=[_required(_l("Name at least one author.")), _length(2000)],
                            description=_l("One name per line, as shown to learners."))
    practice = RadioField(_l("Practical skills for the certificate"), default="none", validate_choice=False,
                          choices=[SelectChoice(key, label) for key, (label, _hint) in PRACTICE.items()])
    sources = FieldList(FormField(SourceRow), min_entries=3, max_entries=MAX_SOURCE_ROWS)
    submit = SubmitField(_l("Save settings"))

    def validate_practice(self, field):
        if field.data not in cf.PRACTICE_CHOICES:
            raise ValidationError(_l("Choose required, optional or none."))

    def author_names(self) -> list[str]:
        return [line.strip() for line in clean_text(self.authors.data).split("\n") if line.strip()]

    def source_list(self) -> list[dict]:
        result = []
        for row in self.sources:
            source = {key: (row[key].data or "").strip() for key in ("title", "publisher", "url", "year")}
            if source["title"]:
                if source["year"].isdigit():
                    source["year"] = int(source["year"])
                result.append({k: v for k, v in source.items() if v != ""})
        return result

    def validate_sources(self, field):
        for row in field:
            filled = any((row[k].data or "").strip() for k in ("publisher", "url", "year"))
            if filled and not (row["title"].data or "").strip():
                raise ValidationError(_l("Every source needs a title."))


class ModuleForm(CleanInput, AppForm):
    title = StringField(_l("Module title"), validators=[_required(_l("Give the module a title.")), _length(200)])
    slug = SlugField(_l("Short name (optional)"), description=SLUG_HINT)
    summary = TextAreaField(_l("Summary (optional)"), validators=[_length(2000)])
    submit = SubmitField(_l("Save module"))


class LessonForm(CleanInput, AppForm):
    title = StringField(_l("Lesson title"), validators=[_required(_l("Give the lesson a title.")), _length(200)])
    slug = SlugField(_l("Short name (optional)"), description=SLUG_HINT)
    minutes = WholeNumberField(_l("Reading time (minutes)"), default=5,
                               validators=[_required_number(_l("Enter the reading time.")), _range(1, 60)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[_required(_l("Write the lesson text.")),
                                                           _length(100_000)],
                         description=_l("## for a heading, - for a list, **bold**, *italic*. "
                                        "Callouts: a line ':::warning Title', the text, then ':::' "
                                        "(kinds: warning, tip, note). Image: ![what it shows](images/name.png)."),
                         render_kw={"rows": 18, "class": "markdown"})
    preview = SubmitField(_l("Show preview"))
    submit = SubmitField(_l("Save lesson"))


class QuizSettingsForm(CleanInput, AppForm):
    title = StringField(_l("Quiz title"), validators=[_required(_l("Give the quiz a title.")), _length(200)])
    pass_mark = WholeNumberField(_l("Pass mark (percent, optional)"), validators=[Optional(), _range(1, 100)],
                                 description=_l("Leave empty to use the course's pass mark."))
    questions_per_attempt = WholeNumberField(
        _l("Questions per attempt (optional)"), validators=[Optional(), _range(1)],
        description=_l("Draw this many questions from the pool each attempt; leave empty to ask all."))
    shuffle_questions = BooleanField(_l("Shuffle the questions"), default=True)
    shuffle_options = BooleanField(_l("Shuffle the answers (steps of ordering questions are always shuffled)"),
                                   default=True)
    max_attempts = WholeNumberField(_l("Most attempts (optional)"), validators=[Optional(), _range(1, 100)],
                                    description=_l("Leave empty for unlimited attempts."))
    wait_minutes = WholeNumberField(_l("Minutes to wait between attempts"), default=0,
                                    validators=[Optional(), _range(0, 43200)],
                                    description=_l("0 for no waiting; at most 43200 (30 days)."))
    show_correct_answers = BooleanField(_l("Show the right answers once all attempts are used"), default=True,
                                        description=_l("They are always shown after a pass. With unlimited "
                                                       "attempts they are shown only after a pass."))
    submit = SubmitField(_l("Save quiz settings"))

    def settings(self) -> dict:
        return {"title": self.title.data.strip(), "pass_mark": self.pass_mark.data,
                "questions_per_attempt": self.questions_per_attempt.data,
                "shuffle_questions": bool(self.shuffle_questions.data),
                "shuffle_options": bool(self.shuffle_options.data), "max_attempts": self.max_attempts.data,
                "wait_minutes": self.wait_minutes.data or 0,
                "show_correct_answers": bool(self.show_correct_answers.data)}


class OptionRow(CleanInput, AppSubform):
    key = HiddenField()
    text = StringField(_l("Answer"), validators=[_length(1000)])
    correct = BooleanField(_l("Right answer"))
    feedback = StringField(_l("Feedback when chosen (optional)"), validators=[_length(2000)])


class QuestionForm(CleanInput, AppForm):
    key = SlugField(_l("Question id (optional)"),
                    description=_l("Stable name of the question; leave empty to make it from the text."))
    scenario = TextAreaField(_l("Situation (optional)"), validators=[_length(2000)],
                             description=_l("A short story told before the question."))
    text = TextAreaField(_l("Question"), validators=[_required(_l("Write the question.")), _length(2000)])
    image = SelectField(_l("Picture (optional)"), choices=[SelectChoice("", "—")],
                        validate_choice=False)
    image_alt = StringField(_l("Description of the picture"), validators=[_length(500)],
                            description=_l("For people who cannot see it; leave empty only for decoration."))
    options = FieldList(FormField(OptionRow), min_entries=OPTION_ROWS, max_entries=MAX_CHOICES)
    correct = RadioField(_l("Right answer"), choices=[], validate_choice=False)
    answer = RadioField(_l("The statement is"),
                        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
                        validate_choice=False)
    steps = TextAreaField(_l("Steps in the right order"), validators=[_length(12_000)], render_kw={"rows": 8},
                          description=_l("One step per line, in the right order (2 to 12 steps). "
                                         "Learners see them shuffled."))
    explanation = TextAreaField(_l("Explanation"), validators=[_required(_l("Write an explanation.")),
                                                             _length(4000)],
                                description=_l("Shown with the result of every attempt."))
    submit = SubmitField(_l("Save question"))

    def filled_options(self, kind: str) -> list[tuple[int, dict]]:
        """(row index, option) for every row with text; for `single` the radio button marks the right one."""
        rows = []
        for index, row in enumerate(self.options):
            text = (row["text"].data or "").strip()
            if text:
                correct = self.correct.data == str(index) if kind == "single" else bool(row["correct"].data)
                rows.append((index, {"key": (row["key"].data or "").strip() or None, "text": text,
                                     "correct": correct, "feedback": (row["feedback"].data or "").strip()}))
        return rows

    def step_lines(self) -> list[str]:
        return [line.strip() for line in clean_text(self.steps.data).split("\n") if line.strip()]

    def check_type(self, kind: str) -> bool:
        """The importer's rules for this question type, as errors on the inputs that are wrong.

        Errors about the answers' texts go on `options` and mark only the rows in `marked_rows`;
        errors about which answer is right go on `correct` and mark only the right-answer choices.
        """
        ok = True
        self.marked_rows: set[int] = set()

        def fail(field, message, rows=()):
            nonlocal ok
            field.errors = [*field.errors, str(message)]
            self.marked_rows.update(rows)
            ok = False

        if kind in ("single", "multiple"):
            rows = self.filled_options(kind)
            texts = [entry["text"] for _i, entry in rows]
            right = sum(1 for _i, entry in rows if entry["correct"])
            if len(rows) < 2:
                filled = {index for index, _entry in rows}
                empty = [index for index in range(len(self.options)) if index not in filled]
                fail(self.options, _l("Write at least two answers."), empty[:2 - len(rows)])
            elif len(set(texts)) != len(texts):
                fail(self.options, _l("Two answers have the same text."),
                     [index for index, entry in rows if texts.count(entry["text"]) > 1])
            if kind == "single" and rows and right != 1:
                chosen = self.correct.data
                if chosen and chosen.isdigit() and int(chosen) < len(self.options):
                    fail(self.options, _l("The answer chosen as right is empty. Write it, or choose another one."),
                         [int(chosen)])
                else:
                    fail(self.correct, _l("No answer is chosen as right. Under the right answer, choose "
                                          "“This is the right answer”."))
            if kind == "multiple" and rows and right < 1:
                fail(self.correct, _l("No answer is ticked as right. Tick “Right answer” under each answer that "
                                      "is right."))
        elif kind == "true_false":
            if self.answer.data not in ("true", "false"):
                fail(self.answer, _l("Choose whether the statement is true or false."))
        elif kind == "ordering":
            lines = self.step_lines()
            if len(lines) < 2:
                fail(self.steps, _l("Write at least two steps, one per line."))
            elif len(lines) > MAX_CHOICES:
                fail(self.steps, _l("At most 12 steps."))
            elif len(set(lines)) != len(lines):
                fail(self.steps, _l("Two steps have the same text."))
            elif any(len(line) > 1000 for line in lines):
                fail(self.steps, _l("A step is longer than 1000 characters."))
        return ok

    #: the fields in the order the question page shows them
    PAGE_ORDER = ("key", "scenario", "text", "options", "correct", "answer", "steps", "image", "image_alt",
                  "explanation")

    def error_list(self) -> list[tuple[str, str]]:
        """(message, id of the input to go to) for every error, in the order of the page."""
        found = []
        names = [*self.PAGE_ORDER, *(f.name for f in self if f.name not in self.PAGE_ORDER)]
        for name in names:
            field = self[name]
            if name == "options":
                marked = sorted(getattr(self, "marked_rows", ())) or [0]
                found.extend((str(message), self.options[marked[0]]["text"].id)
                             for message in field.errors if not isinstance(message, dict | list))  # not a row's
                for row in field:
                    for sub in row:
                        found.extend((str(message), sub.id) for message in sub.errors)
            elif name == "correct":
                found.extend((str(message), "right-answer") for message in field.errors)
            else:
                found.extend((str(message), field.id) for message in field.errors)
        return found


class StepRow(CleanInput, AppSubform):
    key = HiddenField()
    text = StringField(_l("Step"))
    critical = BooleanField(_l("Critical"))


class SkillForm(CleanInput, AppForm):
    """A practical skill of skills.yaml. Only the id is checked here, like every id of the editor; the rest
    is checked by the importer's reader on the file as it would be written (editing.save_skill)."""

    key = SlugField(_l("Skill id (optional)"),
                    description=_l("Stable name of the skill; leave empty to make it from the title."))
    title = StringField(_l("Skill title"), description=_l("What the learner does, for example “Memindahkan dari "
                                                          "tempat tidur ke kursi roda”."))
    why = TextAreaField(_l("Why it matters"), render_kw={"rows": 3},
                        description=_l("One or two sentences, shown to the learner and on the observation sheet."))
    performed_on = RadioField(_l("Where the skill is shown"), default="person", validate_choice=False,
                              choices=[SelectChoice(key, label) for key, (label, _hint) in PERFORMED_ON.items()])
    competency_unit = StringField(_l("SKKNI/BNSP competency unit code (optional)"),
                                  description=_l("Only a real SKKNI/BNSP code; leave empty when unsure."))
    steps = FieldList(FormField(StepRow), min_entries=STEP_ROWS, max_entries=MAX_STEPS)
    #: sent by a step's ↑/↓ button, "2-up" or "2-down" (0-based row): the form comes back with the row moved,
    #: nothing saved. Not rendered as an input of its own, so only the button pressed sends it.
    move = StringField()
    more_rows = SubmitField(_l("More rows"))
    submit = SubmitField(_l("Save skill"))

    def filled_steps(self) -> list[tuple[int, dict]]:
        """(row index, step) for every row with text."""
        rows = []
        for index, row in enumerate(self.steps):
            text = (row["text"].data or "").strip()
            if text:
                rows.append((index, {"key": (row["key"].data or "").strip(), "text": text,
                                     "critical": bool(row["critical"].data)}))
        return rows

    def fields(self) -> dict:
        """The skill's fields for editing.save_skill."""
        return {"title": self.title.data or "", "why": self.why.data or "",
                "performed_on": self.performed_on.data or "person",
                "competency_unit": self.competency_unit.data or "",
                "steps": [step for _index, step in self.filled_steps()]}

    def error_list(self) -> list[tuple[str, str]]:
        """(message, id of the input to go to) for every error, in the order of the page."""
        found = []
        for name in ("key", "title", "why", "performed_on", "competency_unit"):  # the fieldset is "performed_on"
            found.extend((str(message), self[name].id) for message in self[name].errors)
        found.extend((str(message), "steps") for message in self.steps.errors if not isinstance(message, dict | list))
        for row in self.steps:
            found.extend((str(message), row["text"].id) for message in row["text"].errors)
        return found


class GiftForm(CleanInput, AppForm):
    text = TextAreaField(_l("GIFT text"), validators=[_length(MAX_GIFT_CHARS)],
                         render_kw={"rows": 14, "class": "markdown"},
                         description=_l("Paste the questions, or choose a .txt file below."))
    file = FileField(_l("GIFT file (.txt, optional)"))
    check = SubmitField(_l("Check"))
    submit = SubmitField(_l("Import the questions"))


class ImageForm(CleanInput, AppForm):
    file = FileField(_l("Picture"), description=_l("PNG, JPEG, WebP or SVG, at most 2 MB. "
                                                   "A picture with the same name replaces the old one."))
    submit = SubmitField(_l("Upload"))


class ZipForm(CleanInput, AppForm):
    file = FileField(_l("Zip file of a course"),
                     description=_l("A zip as Rawat makes it with “Download the draft (zip)”, changed or not: "
                                    "one folder named with the course's short name, holding the course settings, "
                                    "a folder for each module with its lessons and quiz, and a folder of "
                                    "pictures."))
    submit = SubmitField(_l("Import"))


class CoauthorForm(CleanInput, AppForm):
    phone = StringField(_l("Trainer's mobile number"), validators=[
        _required(_l("Enter a mobile number.")), _length(32)],
        description=_l("The trainer must already have a Rawat trainer account with this number."))
    submit = SubmitField(_l("Add co-author"))


class ActionForm(CleanInput, AppForm):
    """A button that changes something: only the CSRF token is checked."""

    submit = SubmitField(_l("Confirm"))


class NarrationForm(CleanInput, AppForm):
    """A recording of a lesson: its language and the file (recorded in the browser or chosen)."""

    language = SelectField(_l("Language of the recording"), default="id",
                           validators=[InputRequired(message=_l("Choose the language of the recording."))])
    file = FileField(_l("Recording"))
    submit = SubmitField(_l("Upload the recording"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # names in the page's language
        self.language.choices = [SelectChoice(code, str(name)) for code, name in NARRATION_LANGUAGES.items()]
