"""Who took part in a record's conversation, read from the record itself, and how each is named in it.

The people of a record (its cast) come from what the record prints, never from which record it is:

- the title or heading that names a conversation ("Record of conversation between N.S. Khrushchev and US
  Secretary of State D. Rusk"; "MEMORANDUM OF CONVERSATION A.I. Mikoyan with Osvaldo Dorticos, ...") and
  the sender a title names ("Cipher telegram from USSR Ambassador to USA A.F. Dobrynin to USSR MFA ...");
- a sentence that says between whom the talks were ("Today talks were conducted between A.I. Mikoyan and
  Comrades Fidel Castro, ...") and lists of those present ("in the presence of: from the Soviet side -
  A.F. Dobrynin, ... and from the American side - Harriman, Thompson, ...");
- the signature and the "Recorded by:" line (the author and the recorder), and transcript labels.

A printed name resolves to the curated registry when one of its forms is printed, or when its surname and
initials fit exactly one registered person ("A. Mikoyan" is A.I. Mikoyan). A person the registry does not
know becomes a provisional participant of this record with the name as printed. Variant spellings are
never guessed: "Pierson" is not "Pearson" unless a curated form says so. Everything here is pure: the
cast is returned, the registry is not changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

from etl.read.blocks import Span, split_sentences
from etl.read.registry import Registry
from etl.read.vocabulary import Vocabulary

# A name with initials, as the records print them: "A.F. Dobrynin", "L. Johnson", "Yu. Vinogradov",
# "A.I.Mikoyan", "G.K. Bolshakov", "D. Rusk", "J.McCloy"; or in the Soviet order, surname first:
# "Khrushchev N.S." (but "President J.F. Kennedy" names no "President J.F.").
PERSON_NAME = re.compile(
    r"""(?<![\w.])(?:
      (?P<initials>(?:[A-Z][a-z]?\.\s?){1,3})(?P<surname>(?:Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)
      |(?!(?:Comrades?|Ambassador|President|Senator|Secretary|Minister)\s)(?P<surname_first>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s(?P<initials_after>(?:[A-Z]\.){2,3})(?![\w])
    )(?![\w])""",
    re.VERBOSE,
)

# A bare surname in a list of those present: "Harriman, Thompson, Tyler, Bundy and Akalovsky".
BARE_SURNAME = re.compile(r"^(?P<surname>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)$")

# The part of a title or heading that names who met: after "conversation", "talks" or "meeting", up to
# what the talks were about. "Record of conversation between N.S. Khrushchev and US Secretary of State
# D. Rusk"; "Memorandum of Conversation, A.I. Mikoyan with Osvaldo Dorticos, ...";
# "... regarding meeting with US President L. Johnson". Instructions "for Conversation with Fidel Castro"
# are for a talk still to come: no one of it took part in the record.
CONVERSATION_PART = re.compile(
    r"""(?<!\bfor\s)\b(?:conversations?|talks|meetings?|met|discussions?)\b(?:\s+(?:between|with)\s+|[,:]\s+|\s+(?=(?-i:[A-Z])))
    (?P<names>.+?)(?=\s+(?:about|regarding|on\ (?:the|a|an)\b|on\ \d|concerning|in\ connection"""
    r"""|after|during|at\ (?:the|a)\b)|$)""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)

# The sender a title names: "Cipher telegram from USSR Ambassador to USA A.F. Dobrynin to USSR MFA ...", or
# after a one-word kind and a comma: "Cable, Ambassador A. Sorin to the Ministry of Foreign Affairs", or the
# keeper of a journal: "From the Journal of Ambassador Pavel Yudin: ...", "Journal of ... A.M. Puzanov for ..."
SENDER_PART = re.compile(
    r"^(?:\S+(?:\s\S+){0,3}?\s+from|[A-Z][a-z]+,|(?:From\s+the\s+)?(?:Journal|Diary)\s+of)\s+(?P<sender>.+?)"
    r"(?=\s+(?:regarding|about|on|with|concerning|in connection|transmitting|for)\b|:|$)",
    re.DOTALL,
)

# Whom a title says the record is addressed to, after its sender: "... A.F. Dobrynin to USSR MFA regarding ..."
ADDRESSEE_PART = re.compile(
    r"^\s+to\s+(?:the\s+)?(?P<addressee>.+?)"
    r"(?=\s+(?:regarding|about|on|with|concerning|in connection|transmitting)\b|$)",
    re.DOTALL,
)

# Where a list of those present says whose side follows: "from the Soviet side - ", "from the American side -"
SIDE_HEADER = re.compile(r"\bfrom the (?P<side>\w+) side\s*[-–—:]?\s*")

# A name printed without initials: a surname, perhaps with "de" ("Ikeda", "de Gaulle"), or (PRINTED_NAME)
# one or two capitalized words with "de" or "von" before them ("Golda Meir", "Zalman Shazar").
SURNAME = r"(?:[Dd]e\s)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
PRINTED_NAME = r"(?:[Dd]e\s|[Vv]on\s)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s[A-Z][a-z]+){0,2}"

# Someone named just before the words that say they came up to the author (``meets_the_author`` in
# reading.yml), perhaps with words set off by commas between: "British Prime Minister Home, upon seeing me,
# approached on his own", "The Prime Minister of Sweden, Erlander, approached me" (the name is the words
# set off), "Bhutto, whom I knew from negotiations ..., also approached me". A word after "of" or "from"
# is a place: "The Emperor of Ethiopia approached me" names no one.
VISITOR = (
    r"(?<![\w.])(?P<before>\b(?:of|from)\s)?(?P<name>" + SURNAME + r")"
    r"(?:,\s*(?P<apposition>[^;.]{{1,160}}?),)?\s+(?:(?:also|then|again|[a-z]+ly)\s+)?(?:{meets})"
)

# The name after the words that say the author talked with someone ("There was a conversation at the
# reception with de Gaulle."): one or two capitalized words, "de" or "von" before a surname.
TALKED_WITH = re.compile(rf"(?P<name>{PRINTED_NAME})(?=[\s.,;])")

# Items of a list: "A.F. Dobrynin, M.R. Smirnovsky and V.M. Sukhodrev"
LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+|;\s*")

# A run of capitals that is a word in upper case, not initials: "BOLSHAKOV" in "G. BOLSHAKOV".
UPPER_CASE_WORD = re.compile(r"[A-Z]{3,}")

# Honorifics before a name: "Comrade ", "Ambassador " in "Comrade Ambassador A. Alekseev".
HONORIFICS_BEFORE_NAME = re.compile(r"^(?:(?:Comrades?|Com\.|Mr\.|Mrs\.|Ambassador|President|Senator)\s+)+")


@dataclass(frozen=True)
class Person:
    """A person of one record: registered or provisional, with the printed forms that name them here."""

    participant_id: str
    name: str
    side: str | None
    forms: tuple[str, ...]
    is_provisional: bool = False


@dataclass(frozen=True)
class Role:
    """One person's role in the record, with the words that establish it."""

    participant_id: str
    role: str
    span: Span


@dataclass
class Cast:
    """The people of one record and their roles. Built by ``read_cast``; never shared between records."""

    registry: Registry
    people: dict[str, Person] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    new_people: list[tuple[int, str]] = field(default_factory=list)  # (offset, name as printed) of provisional people
    addressee_in_title: Span | None = None  # "... A.F. Dobrynin to USSR MFA regarding ..."
    unresolved_offices: list[tuple[int, str]] = field(default_factory=list)  # (offset, office) no holder fits
    # The people's forms as ``resolve`` compares them, worked out again only when the people change.
    _forms_of: _FormsOfPeople | None = field(default=None, init=False, repr=False, compare=False)

    def resolve(self, printed: str) -> str | None:
        """The person of this record a printed name names, if any."""
        printed = " ".join(printed.split())
        forms = self._forms()
        named = forms.by_folded_form.get(_fold(_strip_honorifics(printed)))
        if named:
            return named
        surname, initials = _fold(_surname(printed)), _initials(printed)
        if initials:
            fits = {
                participant_id
                for participant_id, form_surname, form in forms.surnames
                if form_surname == surname and _initials_agree(initials, _initials(form))
            }
            if len(fits) == 1:
                return fits.pop()
        return None

    def _forms(self) -> _FormsOfPeople:
        """The forms of the people as they stand (``people`` is changed in place as the cast grows)."""
        people = tuple(self.people.values())
        if self._forms_of is None or self._forms_of.people != people:
            self._forms_of = _FormsOfPeople(people)
        return self._forms_of

    def forms(self) -> list[str]:
        """Every printed form that names someone of this record, longest first."""
        found = {form for person in self.people.values() for form in person.forms}
        found |= {form.upper() for form in found}
        return sorted(found, key=len, reverse=True)

    def add_provisional_label(self, label: str) -> str:
        """A person known only by an upper-case transcript label ("C. RAFAEL RODRIGUEZ.") the registry lacks."""
        participant_id = provisional_id(label)
        if participant_id not in self.people:
            self.people[participant_id] = Person(participant_id, label, None, (label,), is_provisional=True)
        return participant_id

    def add_speaker(self, printed: str, vocabulary: Vocabulary, offset: int) -> str | None:
        """A person the record's narration shows speaking ("Alphand said that ..."), added to the cast."""
        return _person(printed, self, vocabulary, None, offset)

    def claim(self, participant_id: str | None, role: str, span: Span) -> None:
        if participant_id:
            self.roles.append(Role(participant_id, role, span))


class _FormsOfPeople:
    """The printed forms of a cast's people as ``Cast.resolve`` compares them: folded, and (only if asked)
    the surname of each."""

    def __init__(self, people: tuple[Person, ...]):
        self.people = people
        self.by_folded_form: dict[str, str] = {}  # folded form -> the first person (in the cast's order) with it
        for person in people:
            for form in person.forms:
                self.by_folded_form.setdefault(_fold(form), person.participant_id)

    @cached_property
    def surnames(self) -> tuple[tuple[str, str, str], ...]:
        """(participant_id, folded surname, form) of every form."""
        return tuple(
            (person.participant_id, _fold(_surname(form)), form) for person in self.people for form in person.forms
        )


@dataclass(frozen=True)
class NamingPlaces:
    """The places of one record that name its people, as its frame reads them (etl/rows/record.py)."""

    body: Sequence[Span] = ()  # the record's text, paragraph by paragraph
    title: Span | None = None
    heading: Span | None = None
    subtitles: Sequence[Span] = ()  # "Vienna Meeting Between The President and Chairman Khrushchev"
    signatures: Sequence[tuple[Span, Span]] = ()  # (the signature line as printed, the signer's name in it)
    recorder: Span | None = None
    listed: Sequence[Span] = ()  # the lines of its list of participants, a side's line before its people
    described: Sequence[Span] = ()  # the archive's summary and citation
    on: date | None = None  # the record's day, for the holders of offices
    text: str = ""  # the whole record, which says whose offices it names ("Dept")


def read_cast(places: NamingPlaces, registry: Registry, vocabulary: Vocabulary) -> Cast:
    """The people a record names as taking part, authoring or recording it.

    The lines of a list of participants come first ("The President", "Mr. Akalovsky"): an office alone there
    names its holder on the record's day (etl/curated/office_holders.yml), where the record says whose office
    it is. Then the title, heading and subtitles that say who met; where they name no one, the archive's
    summary and citation ("A conversation between Soviet Ambassador V. Orlov and ..."); the sender a title
    names, the signatures, the recorder, and the body.
    """
    title, on, text = places.title, places.on, places.text
    cast = Cast(registry)
    side: str | None = None
    for line in places.listed:  # a side's line ("US", "USSR") gives the side of the people listed under it
        if line.text in vocabulary.sides:
            side = vocabulary.sides[line.text]
        else:
            _read_listed(line, cast, vocabulary, on, text, side)
    for place in (title, places.heading, *places.subtitles):
        if place is not None:
            _read_names_of_talks(place, cast, vocabulary, on, text)
    if not cast.people:
        for place in places.described:
            _read_names_of_talks(place, cast, vocabulary)
    if title is not None:
        _read_sender(title, cast, vocabulary)
    for signature, signer in places.signatures:
        person = _person(signer.text, cast, vocabulary, None, signer.start)
        cast.claim(person, "author", signature)
    if (recorder := places.recorder) is not None:
        person = _person(recorder.text, cast, vocabulary, None, recorder.start)
        cast.claim(person, "recorder", recorder)
        cast.claim(person, "author", recorder)
    for read_body in BODY_READERS:
        read_body(list(places.body), cast, vocabulary)
    return cast


# What may follow a listed person on their line: an office or a bureau ("Mr. Tyler, EUR", "Mr. Bundy—The White
# House", "Mr. Akalovsky (Interpreting)").
LISTED_TAIL = re.compile(r"\s*(?:,|[—–]|\s-\s|\().*$")


def _read_listed(
    line: Span, cast: Cast, vocabulary: Vocabulary, on: date | None, text: str, side: str | None = None
) -> None:
    """One line of a list of participants: a person named, or an office whose holder that day is known."""
    tail = LISTED_TAIL.search(line.text)
    named = line.sub(0, tail.start() if tail else len(line.text)).strip()
    holder = cast.registry.holder_of(named.text, on, text)
    titled = vocabulary.title_before_name.match(named.text)
    if holder is None and titled and titled.end() < len(named.text):
        # "Foreign Minister Gromyko", "Chairman Khrushchev": the office is said of the person, the name is theirs
        name = named.sub(titled.end(), len(named.text))
        person = _person(name.text, cast, vocabulary, side, name.start, titled["office"])
        cast.claim(person, "present", name)
        return
    if holder is not None:
        registered_form = next(iter(cast.registry.participants[holder].forms))
        person = _person(registered_form, cast, vocabulary, None, named.start)
        if person is not None:
            office = named.text.removeprefix("The ")
            short = vocabulary.abbreviated(office)  # "Pres" for "The President", in telegraphese
            _add_forms(cast, person, (named.text, named.text[:1].lower() + named.text[1:], *short))
        cast.claim(person, "present", named)
    elif named.text.startswith("The "):
        cast.unresolved_offices.append((named.start, named.text))
    else:
        cast.claim(_person(named.text, cast, vocabulary, side, named.start), "present", named)


def _add_forms(cast: Cast, participant_id: str, forms: tuple[str, ...]) -> None:
    """Let more printed forms name a person of this record ("The President", "the President")."""
    person = cast.people[participant_id]
    cast.people[participant_id] = Person(
        person.participant_id,
        person.name,
        person.side,
        tuple(dict.fromkeys([*person.forms, *forms])),
        person.is_provisional,
    )


def _read_opening(body: list[Span], cast: Cast, vocabulary: Vocabulary) -> None:
    """The opening sentence that says between whom the talks were: "Today talks were conducted between
    A.I. Mikoyan and Comrades Fidel Castro, O. Dorticos, ..., as well as myself."."""
    if not body:
        return
    opening = body[0]
    for match in vocabulary.phrase("participants_sentence").finditer(opening.text):
        _read_list(opening.sub(match.end(), _sentence_end(opening.text, match.end())), cast, vocabulary, "present")


def _read_labels(body: list[Span], cast: Cast, vocabulary: Vocabulary) -> None:
    """The registry's transcript labels at the head of a paragraph: "A.I. MIKOYAN. ..."."""
    labels = cast.registry.label_at_start
    for block in body:
        if labels and (label := labels.match(block.text)):
            _person(label.group(0), cast, vocabulary, None, block.start)


def _read_visitors(body: list[Span], cast: Cast, vocabulary: Vocabulary) -> None:
    """Those who came up to the author (``VISITOR``)."""
    visitor = _visitor_pattern(vocabulary.phrase("meets_the_author").pattern)
    for block in body:
        if not vocabulary.search_phrase("meets_the_author", block.text):
            continue  # (the words come first: the name before them is looked for only where they are)
        for match in visitor.finditer(block.text):
            _read_visitor(block, match, cast, vocabulary)


def _read_talked_with(body: list[Span], cast: Cast, vocabulary: Vocabulary) -> None:
    """The person the author says he talked with (the curated ``talk_with`` words, then ``TALKED_WITH``)."""
    for block in body:
        for match in vocabulary.find_phrases("talk_with", block.text, re.MULTILINE):
            name = TALKED_WITH.match(block.text, match.end())
            if name and not any(
                word in vocabulary.not_names or word in vocabulary.offices for word in name["name"].split()
            ):
                person = _person(name["name"], cast, vocabulary, None, block.start + name.start("name"))
                cast.claim(person, "present", block.sub(name.start("name"), name.end("name")))


def _read_presence_lists(body: list[Span], cast: Cast, vocabulary: Vocabulary) -> None:
    """The lists of those present: "in the presence of: from the Soviet side - A.F. Dobrynin, ..."."""
    for block in body:
        for match in vocabulary.find_phrases("presence_list", block.text, re.MULTILINE):
            end = _sentence_end(block.text, match.end())
            _read_list(block.sub(match.end(), end), cast, vocabulary, "present")


# How the body of a record names its people, in the order they are read (the first to name someone gives
# the form and the span that the cast keeps).
BODY_READERS: tuple[Callable[[list[Span], Cast, Vocabulary], None], ...] = (
    _read_opening,
    _read_labels,
    _read_visitors,
    _read_talked_with,
    _read_presence_lists,
)


@lru_cache(maxsize=8)
def _visitor_pattern(meets: str) -> re.Pattern[str]:
    """``VISITOR`` with the curated words that say someone came up to the author (compiled once per build)."""
    return re.compile(VISITOR.format(meets=meets))


def _read_visitor(block: Span, match: re.Match[str], cast: Cast, vocabulary: Vocabulary) -> None:
    """The person who came up to the author: present at the talk."""
    start, end = match.span("name")
    apposition = match["apposition"]
    if apposition and re.fullmatch(r"(?:[A-Z][a-z]+\s)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?", apposition.strip()):
        start = match.start("apposition") + len(apposition) - len(apposition.lstrip())
        end = match.start("apposition") + len(apposition.rstrip())
    elif match["before"]:
        return
    name = block.text[start:end]
    if any(vocabulary.names_no_one(word) or word in vocabulary.sides for word in name.split()):
        return
    span = block.sub(start, end)
    person = _person(name, cast, vocabulary, None, span.start, _office_before(block, span, vocabulary))
    cast.claim(person, "present", span)


def _read_names_of_talks(
    place: Span, cast: Cast, vocabulary: Vocabulary, on: date | None = None, text: str = ""
) -> None:
    """Names in the part of a title or heading that says who met; there, a name of capitalized words alone
    between the commas and "and" is a person too ("between N. S. Khrushchev and Mao Zedong"), and so is an
    office alone whose holder that day is known ("Between The President and Chairman Khrushchev")."""
    for match in CONVERSATION_PART.finditer(place.text.replace("\n", " ")):
        names = place.sub(match.start("names"), match.end("names"))
        _read_list(names, cast, vocabulary, "present")
        _read_plain_names(names, cast, vocabulary, on, text)


# A name printed without initials in a title's list of who met: "Mao Zedong", "Kim Il Sung".
PLAIN_NAME = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}$")


def _read_plain_names(names: Span, cast: Cast, vocabulary: Vocabulary, on: date | None = None, text: str = "") -> None:
    for span in _items(names):
        if cast.registry.holder_of(span.text, on, text) or vocabulary.title_before_name.match(span.text):
            _read_listed(span, cast, vocabulary, on, text)  # "The President", "Chairman Khrushchev"
            continue
        words = span.text.split()
        if not PLAIN_NAME.match(span.text) or any(vocabulary.names_no_one(w) or w in vocabulary.sides for w in words):
            continue
        if any(role.span.start >= span.start and role.span.end <= span.end for role in cast.roles):
            continue  # (already read as a name)
        person = _person(span.text, cast, vocabulary, None, span.start)
        cast.claim(person, "present", span)


def _read_sender(title: Span, cast: Cast, vocabulary: Vocabulary) -> None:
    """The person a title says the record is from: its author."""
    text = title.text.replace("\n", " ")
    match = SENDER_PART.match(text)
    if not match or not vocabulary.document_type_signal.match(text):
        return
    sender = title.sub(match.start("sender"), match.end("sender"))
    for name in _names_in(sender, cast.registry) or _plain_name_after_title(sender, vocabulary):
        person = _person(
            name.text,
            cast,
            vocabulary,
            _side_before(sender, name, vocabulary),
            name.start,
            _office_before(sender, name, vocabulary),
        )
        cast.claim(person, "author", name)
        after = text[name.end - title.start :]
        addressee = ADDRESSEE_PART.match(after)
        if addressee:
            start = name.end - title.start + addressee.start("addressee")
            cast.addressee_in_title = title.sub(start, start + len(addressee["addressee"]))
        return


def _plain_name_after_title(sender: Span, vocabulary: Vocabulary) -> list[Span]:
    """A sender named without initials after an office: "Ambassador Pavel Yudin" -> "Pavel Yudin"."""
    titled = vocabulary.title_before_name.match(sender.text)
    name = sender.sub(titled.end() if titled else 0, len(sender.text))
    return [name] if PLAIN_NAME.match(name.text) else []


def _read_list(segment: Span, cast: Cast, vocabulary: Vocabulary, role: str) -> None:
    """Every name of a list of people, with the side a "from the ... side" header gives them."""
    side: str | None = None
    position = 0
    text = segment.text
    headers = list(SIDE_HEADER.finditer(text))
    pieces: list[tuple[Span, str | None]] = []
    for header in [*headers, None]:
        end = header.start() if header else len(text)
        if end > position:
            pieces.append((segment.sub(position, end), side))
        if header:
            side = vocabulary.sides.get(header["side"].capitalize()) or vocabulary.sides.get(header["side"])
            position = header.end()
    for piece, piece_side in pieces:
        # A name after "of" and an office is someone the list speaks of, not one of it: "member of Presidential
        # Commission investigating the assassination of US President J.F. Kennedy J.McCloy" names McCloy only
        # (but "chief architect of Washington U. Walton" names Walton).
        mentioned = vocabulary.mentioned_after_office
        names = [
            name
            for name in _names_in(piece, cast.registry)
            if not mentioned.search(piece.text[: name.start - piece.start])
        ]
        if names:
            for name in names:
                person = _person(
                    name.text,
                    cast,
                    vocabulary,
                    piece_side or _side_before(piece, name, vocabulary),
                    name.start,
                    _office_before(piece, name, vocabulary),
                )
                cast.claim(person, role, name)
        elif piece_side:
            # Bare surnames only where a list says whose side they are on: "Harriman, Thompson, ..."
            for item_span in _items(piece):
                bare = BARE_SURNAME.match(item_span.text.rstrip(".,;"))
                if bare:
                    name = item_span.sub(0, bare.end("surname"))
                    person = _person(name.text, cast, vocabulary, piece_side, name.start)
                    cast.claim(person, role, name)


def _items(segment: Span) -> list[Span]:
    """The items of a list between its commas, semicolons and "and": "A.F. Dobrynin, M.R. Smirnovsky and ..."."""
    items, offset = [], 0
    for item in LIST_SEPARATOR.split(segment.text):
        at = segment.text.find(item, offset)
        offset = at + len(item)
        items.append(segment.sub(at, at + len(item)).strip())
    return items


def _names_in(segment: Span, registry: Registry) -> list[Span]:
    """Registered forms and names with initials in a segment, in order, none inside another."""
    found: list[Span] = []
    text = segment.text.replace("\n", " ")
    taken: list[tuple[int, int]] = []
    for match in registry.forms_in(text):
        found.append(segment.sub(match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in PERSON_NAME.finditer(text):
        if not any(a < match.end() and match.start() < b for a, b in taken):
            found.append(segment.sub(match.start(), match.end()))
    return sorted(found, key=lambda span: span.start)


def _side_before(segment: Span, name: Span, vocabulary: Vocabulary) -> str | None:
    """The side the words just before a name give ("US Ambassador to USSR F. Kohler" -> American)."""
    before = segment.text[max(0, name.start - segment.start - 80) : name.start - segment.start]
    before = re.split(r",|\band\b|\bfrom\b|\bwith\b|\bbetween\b", before)[-1]
    found = vocabulary.side_pattern.search(before)  # the first: "USSR Ambassador to USA A.F. Dobrynin" is Soviet
    return vocabulary.sides[found["side"]] if found else None


def _person(
    printed: str, cast: Cast, vocabulary: Vocabulary, side: str | None, offset: int, office: str | None = None
) -> str | None:
    """The id of the person a printed name names: registered, already in the cast, or new (provisional)."""
    printed = " ".join(_strip_honorifics(printed.strip().rstrip(".")).split())
    if not printed:
        return None
    known = cast.resolve(printed)
    if known:
        _add_office(cast, known, office)
        return known
    registered = resolve_registered(printed, cast.registry)
    if registered:
        participant = cast.registry.participants[registered]
        all_forms = dict.fromkeys(
            [
                *participant.forms,
                printed,
                _surname(printed),
                *_spacings(printed),
                *(v for f in participant.forms for v in _spacings(f)),
            ]
        )
        own_forms = tuple(form for form in all_forms if not _is_shared_surname(form, registered, cast))
        cast.people[registered] = Person(registered, participant.name, participant.side, own_forms)
        _add_office(cast, registered, office)
        return registered
    surname = _surname(printed)
    participant_id = provisional_id(printed)
    others_with_surname = [p for p in cast.people.values() if _surname(p.name) == surname]
    forms = [printed, *_spacings(printed)]
    if printed[:1].islower():  # "de Gaulle" opens a sentence as "De Gaulle"
        forms.append(printed[:1].upper() + printed[1:])
    if not others_with_surname:
        forms.append(surname)
        initials = _initials(printed)
        if initials:
            forms.append(f"{surname} {initials}")
    else:
        # Two people of one surname (D. Pearson, L. Pearson) are told apart by their initials only.
        for other in others_with_surname:
            cast.people[other.participant_id] = Person(
                other.participant_id,
                other.name,
                other.side,
                tuple(f for f in other.forms if f != surname),
                other.is_provisional,
            )
    cast.people[participant_id] = Person(participant_id, printed, side, tuple(forms), is_provisional=True)
    cast.new_people.append((offset, printed))
    _add_office(cast, participant_id, office)
    return participant_id


def _add_office(cast: Cast, participant_id: str, office: str | None) -> None:
    """Let "the president" name the one person of the record the title calls "US President L. Johnson"."""
    if not office:
        return
    forms = {f"the {office}", f"The {office}", f"the {office.lower()}", f"The {office.lower()}"}
    if any(forms & set(person.forms) for pid, person in cast.people.items() if pid != participant_id):
        for pid, person in list(cast.people.items()):  # two people of one office: neither is "the president"
            cast.people[pid] = Person(
                pid, person.name, person.side, tuple(f for f in person.forms if f not in forms), person.is_provisional
            )
        return
    _add_forms(cast, participant_id, tuple(sorted(forms)))


def _office_before(segment: Span, name: Span, vocabulary: Vocabulary) -> str | None:
    """The office the words just before a name give ("US Secretary of State D. Rusk" -> Secretary of State)."""
    before = segment.text[max(0, name.start - segment.start - 80) : name.start - segment.start]
    before = re.split(r",|\band\b|\bfrom\b|\bwith\b|\bbetween\b", before)[-1]
    found = vocabulary.office_at_end.search(before)
    return found["office"] if found else None


def provisional_id(printed: str) -> str:
    """The id of a person the registry does not know, from the name as printed: "provisional-l-johnson"."""
    return "provisional-" + re.sub(r"[^a-z0-9]+", "-", _fold(printed)).strip("-")


def resolve_registered(printed: str, registry: Registry) -> str | None:
    """A registered person named by a printed form, or by a surname and initials that fit only them.

    "A. Mikoyan" fits A.I. Mikoyan (the initials agree as far as they go); a surname alone fits only a
    registered form that is that surname alone.
    """
    exact = registry.resolve(printed)
    if exact:
        return exact
    surname, initials = _surname(printed), _initials(printed)
    if not initials:
        return None
    fits = set()
    for participant in registry.participants.values():
        for form in participant.forms:
            if _fold(_surname(form)) == _fold(surname) and _initials_agree(initials, _initials(form)):
                fits.add(participant.participant_id)
    return fits.pop() if len(fits) == 1 else None


def _spacings(name: str) -> list[str]:
    """The same name with the initials set close or apart, as records print them: "A.I. Mikoyan",
    "A.I.Mikoyan", "A. I. Mikoyan" (a label "A.I.Mikoyan." is the same person's)."""
    match = PERSON_NAME.fullmatch(name)
    if not match or not match["initials"]:
        return []
    letters = [part for part in match["initials"].replace(" ", "").split(".") if part]
    surname = match["surname"]
    variants = {
        ".".join(letters) + "." + surname,
        ". ".join(letters) + ". " + surname,
        ".".join(letters) + ". " + surname,
    }
    return sorted(variants - {name})


def _is_shared_surname(form: str, participant_id: str, cast: Cast) -> bool:
    return any(form in person.forms for pid, person in cast.people.items() if pid != participant_id)


def _surname(name: str) -> str:
    match = PERSON_NAME.fullmatch(_title_case(name))
    if match:
        return match["surname"] or match["surname_first"]
    return name.split()[-1] if name.split() else name


def _initials(name: str) -> str:
    match = PERSON_NAME.fullmatch(_title_case(name))
    if match:
        return (match["initials"] or match["initials_after"] or "").replace(" ", "")
    return ""


def _title_case(name: str) -> str:
    """An upper-case name in the case of running text: "G. BOLSHAKOV" -> "G. Bolshakov"."""
    return UPPER_CASE_WORD.sub(lambda run: run.group(0).title(), name)


def _initials_agree(printed: str, registered: str) -> bool:
    """ "A." agrees with "A.I."; "A.F." does not agree with "A.I."."""
    a = [part for part in printed.split(".") if part]
    b = [part for part in registered.split(".") if part]
    # (strict=False: the shorter initials are compared with the start of the longer)
    return bool(a) and bool(b) and all(x == y for x, y in zip(a, b, strict=False))


def _strip_honorifics(name: str) -> str:
    return HONORIFICS_BEFORE_NAME.sub("", name)


def _sentence_end(text: str, start: int) -> int:
    """Where the sentence that goes on from ``start`` ends, or the end of the text."""
    for _, end in split_sentences(text):
        if end > start:
            return end
    return len(text)


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Case and accents folded: "Aragonés" and "ARAGONES" compare equal."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
