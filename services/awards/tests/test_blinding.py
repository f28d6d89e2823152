"""The jury's blinding as a function: names found whatever their case or line breaks, longest first, districts by part."""

import uuid

from awards.jury.blinding import Blinder, blind_order, district_names, letter, short_name

APPLICATION = uuid.UUID(int=1)


def blinder() -> Blinder:
    b = Blinder({APPLICATION: "A"})
    b.add("Enheten för verksamhetsutveckling", "Sökande A")
    b.numbered("Förvaltning", ["Spånga-Tensta stadsdelsförvaltning"])
    b.numbered("Stadsdel", district_names("Spånga-Tensta stadsdelsförvaltning"))
    b.numbered("Stadsdel", district_names("Spånga-Tensta stadsdelsnämnd"))  # the same district: the same label
    return b


def test_district_names_are_the_name_without_the_district_word_and_its_parts():
    assert district_names("Spånga-Tensta stadsdelsförvaltning") == ["Spånga-Tensta", "Spånga", "Tensta"]
    assert district_names("Hägersten-Liljeholmens stadsdelsnämnd") == ["Hägersten-Liljeholmen", "Hägersten", "Liljeholmen"]
    assert district_names("Östermalms stadsdelsförvaltning") == ["Östermalm"]
    assert district_names("Socialförvaltningen") == []


def test_names_are_replaced_whatever_their_case_and_line_breaks_longest_first():
    text = ("ENHETEN FÖR VERKSAMHETSUTVECKLING i Spånga-Tensta stadsdelsförvaltning; enheten för\n"
            "verksamhetsutveckling besökte Tensta och Spånga-Tenstas vision.")

    assert blinder().text(text) == (
        "Sökande A i Förvaltning 1; Sökande A besökte Stadsdel 1 och Stadsdel 1s vision."
    )


def test_codes_are_letters_by_hash_and_stable():
    ids = [uuid.UUID(int=n) for n in range(1, 30)]
    round_id = uuid.UUID(int=99)
    codes = blind_order(round_id, ids)
    assert codes == blind_order(round_id, list(reversed(ids)))
    assert sorted(codes.values(), key=lambda c: (len(c), c)) == [letter(n) for n in range(29)]
    assert (letter(0), letter(25), letter(26), letter(27)) == ("A", "Z", "AA", "AB")


def test_short_names_drop_the_generic_words_and_keep_compounds_whole():
    assert short_name("Enheten för verksamhetsutveckling") == "verksamhetsutveckling"
    assert short_name("Enhet för  kvalitet") == "kvalitet"
    assert short_name("Avdelningen för stöd och service") == "stöd och service"
    assert short_name("Spånga-Tensta förvaltning") == "Spånga-Tensta"
    assert short_name("Socialförvaltningen") is None, "a compound is left whole: 'Social' would blind ordinary text"
    assert short_name("Strategiska staben") is None, "nothing generic to strip"
    assert short_name("Enheten för IT") is None, "too short to be a term of its own"


def test_terms_are_whole_words_in_either_case_and_ordinary_words_containing_them_are_untouched():
    b = Blinder({APPLICATION: "A"})
    b.add("Enheten för verksamhetsutveckling", "Sökande A")
    b.add(short_name("Enheten för verksamhetsutveckling"), "Sökande A")
    b.numbered("Plats", ["Järva"])
    b.numbered("Stadsdel", ["Kista"])
    text = ("Strategiska staben: Ekonomi och lokaler, Verksamhetsutveckling. Vi arbetar med verksamhetsutveckling i "
            "Järva Rent och Snyggt; verksamhetsutvecklingsplanen ligger i kistan, Kistas bibliotek i Kista.")

    assert b.text(text) == (
        "Strategiska staben: Ekonomi och lokaler, Sökande A. Vi arbetar med Sökande A i "
        "Plats 1 Rent och Snyggt; verksamhetsutvecklingsplanen ligger i kistan, Stadsdel 1s bibliotek i Stadsdel 1."
    )
