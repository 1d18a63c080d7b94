import pytest

from lms.accounts.identifiers import InvalidIdentifier, format_phone, normalize_email, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", "(0812) 3456 7890",
     "812 3456 7890", "+62-812-3456-7890", " 0812.3456.7890 "],
)
def test_common_ways_of_writing_a_number_give_one_form(raw):
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw",
    ["", "0812", "021-555-1234", "+1 812 3456 7890", "0812-3456-7890-1234", "0812abc45678", "62-21-5551234",
     "+", "08", "0812345678901234567"],
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidIdentifier):
        normalize_phone(raw)


def test_email_is_lower_cased_and_validated():
    assert normalize_email("  Siti.Aminah@Contoh.ID ") == "siti.aminah@contoh.id"
    with pytest.raises(InvalidIdentifier):
        normalize_email("siti@")


def test_phone_is_shown_the_way_people_read_it():
    assert format_phone("+6281234567890") == "0812-3456-7890"
