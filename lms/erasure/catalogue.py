"""Every reference to an account, and what erasing the account does with it.

Each column with a foreign key to users.id is listed here with one handling and its reason:

- DELETE: the rows go;
- ANONYMISE: the rows stay, stripped of what identifies the person (anonymise.py says how);
- KEEP: the rows stay as they are, because they hold nothing that identifies the person once the account is a stub
  (users.full_name a placeholder, no contact, no password, the village only as its district), and programme
  figures count them, or because they only ever belong to staff, whom this routine never erases.

`unclassified(metadata)` names the references missing here; `lms erasure run` refuses to run while there is one,
and tests/erasure/test_catalogue.py fails, so a new table that points at users is classified before it ships.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData

from ..database import user_references

DELETE, ANONYMISE, KEEP = "delete", "anonymise", "keep"
STAFF_ONLY = "only staff (care managers, authors, administrators) have such rows, and staff accounts are not " \
             "erased by this routine: they ask an administrator"


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    handling: str
    reason: str


REFERENCES = (
    # --- accounts ---
    Reference("user_sessions", "user_id", DELETE, "every signed-in session ends: the account never signs in again"),
    Reference("password_reset_codes", "user_id", DELETE, "rescue codes are of no use to an account nobody can use"),
    Reference("password_reset_codes", "issued_by_id", ANONYMISE, "codes the person made for others stay, without "
              "naming them; " + STAFF_ONLY),
    Reference("privacy_consents", "user_id", DELETE, "which notice the person agreed to, and a guardian's name: of no "
              "use once nobody can sign in"),
    Reference("audit_entries", "actor_id", ANONYMISE, "the log keeps what happened, when, and that the same "
              "(erased) account acted; names, phone endings and free-text reasons about the person are removed "
              "from every entry about them (audit.services.redact)"),
    # --- courses and quizzes: the facts programme figures count ---
    Reference("enrollments", "user_id", KEEP, "course, start, last activity and completion: counted by the "
              "programme figures (started, completed, active, days to a certificate); nothing else"),
    Reference("lesson_completions", "user_id", DELETE, "which lesson was done when: only the learner's own pages "
              "and their care manager's report read it; programme figures count enrolments"),
    Reference("quiz_passes", "user_id", DELETE, "best score per module: only the learner's own progress reads it; "
              "programme figures count first attempts"),
    Reference("progress_sync_marks", "user_id", DELETE, "receipts of what a phone sent offline, kept only so that "
              "sending twice is harmless"),
    Reference("quiz_attempts", "user_id", ANONYMISE, "first submitted attempts keep their score, pass and date "
              "(programme module scores and question difficulty), their answers emptied; other attempts are deleted"),
    Reference("pretests", "user_id", ANONYMISE, "submitted pre-tests keep their scores (knowledge gain), their "
              "answers emptied; pre-tests skipped or never sent are deleted"),
    Reference("skill_competences", "user_id", KEEP, "the day each skill was first confirmed competent: counted by "
              "the programme figure 'practically competent'"),
    Reference("skill_competences", "observer_id", ANONYMISE, "competences the person confirmed as observer keep "
              "the name printed on certificates but no longer point at the account; " + STAFF_ONLY),
    # --- practice ---
    Reference("skill_observations", "learner_id", ANONYMISE, "each visit keeps its skill, status, place, result "
              "and date (care managers' reach counts visits); the observer's note is emptied and the step-by-step "
              "checklist deleted"),
    Reference("skill_observations", "observer_id", KEEP, STAFF_ONLY),
    # --- certificates ---
    Reference("certificates", "user_id", KEEP, "the register: kept verifiable with only the name, course and "
              "dates, or withdrawn (name and skills removed, the PDF deleted), as the person chose; Rawat's copy of "
              "the credential keeps only its proof value; programme figures count the certificates either way"),
    Reference("certificate_events", "actor_id", ANONYMISE, "the certificate's history stays without pointing at "
              "the account or naming the person; " + STAFF_ONLY),
    # --- groups ---
    Reference("cohort_members", "user_id", KEEP, "which groups, hence organisations and places, the person was in: "
              "counted by the programme figures; care managers never see an erased account in their groups "
              "(cohorts.queries.SHOWN_ACCOUNT)"),
    Reference("cohort_members", "added_by_id", ANONYMISE, "memberships the person made for others no longer point "
              "at the account; " + STAFF_ONLY),
    Reference("cohort_invitations", "invited_by_id", ANONYMISE, "invitations the person sent no longer point at "
              "the account; " + STAFF_ONLY + ". Invitations TO the person's number are deleted"),
    Reference("cohorts", "owner_id", KEEP, STAFF_ONLY),
    # --- authoring ---
    Reference("course_authors", "user_id", DELETE, "the person is no longer an author; " + STAFF_ONLY),
    Reference("course_authors", "added_by_id", ANONYMISE, "no longer points at the account; " + STAFF_ONLY),
    Reference("course_drafts", "updated_by_id", ANONYMISE, "who last edited a draft is forgotten; " + STAFF_ONLY),
    Reference("course_publications", "published_by_id", ANONYMISE, "who published is forgotten; " + STAFF_ONLY),
    Reference("lesson_narrations", "recorded_by_id", ANONYMISE, "who recorded a lesson is forgotten (the recording "
              "is course material and stays until an author removes it); " + STAFF_ONLY),
    # --- personal data ---
    Reference("data_exports", "user_id", DELETE, "the person's copies of their own data, of no use once erased"),
    Reference("former_memberships", "user_id", DELETE, "when the person was in groups they left: kept only to "
              "tell them who saw their data ('Data saya')"),
    # --- erasure ---
    Reference("erasure_requests", "user_id", KEEP, "the record that the account was erased, when, why and with "
              "which certificate choice; no personal data"),
    Reference("privacy_requests", "user_id", ANONYMISE, "a request about the person keeps its kind, status and "
              "dates (its steps are in the audit log); its message, answer and contact are emptied"),
    Reference("privacy_requests", "filed_by_id", ANONYMISE, "no longer points at the account"),
    Reference("privacy_requests", "taken_by_id", ANONYMISE, "no longer points at the account; " + STAFF_ONLY),
    Reference("retention_notices", "user_id", DELETE, "a warning before erasure has no use after it"),
)

BY_COLUMN = {(reference.table, reference.column): reference for reference in REFERENCES}


def unclassified(metadata: MetaData) -> list[tuple[str, str]]:
    """The references to users.id that REFERENCES does not classify (none, or erasing would leave data behind)."""
    return sorted(user_references(metadata) - set(BY_COLUMN))


def stale(metadata: MetaData) -> list[tuple[str, str]]:
    """Entries of REFERENCES that name no such reference (a table renamed or dropped)."""
    return sorted(set(BY_COLUMN) - user_references(metadata))
