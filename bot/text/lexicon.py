"""The words attribution reads: speech verbs, titles and roles, closed-class words.

Only general vocabulary lives here, never names of people, places or organisations: whoever a
story is about, it reports speech with the same verbs ("said", "told", "according to"), puts the
same titles before names ("Mr", "Mayor") and the same kinds of nouns in organisation names
("Ministry", "Council"). Who the people are is learnt from each article (:mod:`.people`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bot.text.languages import languages

__all__ = [
    "ACCORDING",
    "AFTER_QUOTE_ONLY",
    "AUX_ADVERBS",
    "BREAKERS",
    "CALENDAR",
    "CUE_WORDS",
    "DEFINITE",
    "DETERMINERS",
    "FEMALE_NOUNS",
    "FEMALE_PRONOUNS",
    "FEMALE_SUBJECT",
    "FEMALE_TITLES",
    "FUNCTION_WORDS",
    "INVERTIBLE",
    "LOCATIVES",
    "MALE_NOUNS",
    "MALE_PRONOUNS",
    "MALE_SUBJECT",
    "MALE_TITLES",
    "NEGATIONS",
    "ORGANISATION_NOUNS",
    "PARTICIPLES",
    "PARTICLES",
    "PHRASAL_CUES",
    "PREPOSITIONS",
    "PRONOUNS",
    "ROLE_WORDS",
]

# --- titles and roles --------------------------------------------------------------------------

# Titles and roles that precede a name ("Mayor Anna Keller", "union leader Tomas Varga"); the
# name itself starts after the last of them.
_ENGLISH_ROLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady madam rev reverend father
    president vice prime minister foreign defence defense interior finance secretary
    spokesman spokeswoman spokesperson chancellor senator sen rep representative gov governor
    mayor general gen col colonel maj major capt captain lt lieutenant sgt sergeant adm admiral
    judge justice chief ceo cfo coo chairman chairwoman chair director king queen prince
    princess duke duchess pope sheikh emir ambassador commissioner attorney lawyer coach
    manager deputy leader candidate nominee officer detective inspector superintendent sheriff
    speaker premier boss founder owner head mp mep congressman congresswoman councillor
    councilman councilwoman chairperson dean principal archbishop bishop cardinal hon
    economist analyst scientist researcher author editor""".split()
)
MALE_TITLES = frozenset(
    "mr sir lord king prince duke father congressman councilman spokesman chairman".split()
)
FEMALE_TITLES = frozenset(
    """mrs ms miss madam lady dame queen princess duchess congresswoman councilwoman
    spokeswoman chairwoman""".split()
)
# Nouns that describe a man or a woman in an apposition: "Anna Keller, a mother of three,".
MALE_NOUNS = frozenset(
    """man father husband son brother grandfather grandson uncle nephew boy widower
    businessman sportsman fisherman policeman actor""".split()
)
FEMALE_NOUNS = frozenset(
    """woman mother wife daughter sister grandmother granddaughter aunt niece girl widow
    businesswoman sportswoman fisherwoman policewoman actress""".split()
)

# --- names that are not people -----------------------------------------------------------------

CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday""".split()
)

# Common nouns that make a capitalised name an organisation, place, event or document.
ORGANISATION_NOUNS = frozenset(
    """party house senate congress ministry department council committee commission court
    police agency union states kingdom republic nations university college school institute
    foundation association bank group company corporation corp inc ltd llc plc airlines
    airways club center centre hospital city county state province north south east west
    northern southern eastern western central national international federal royal army navy
    force forces guard service services office government administration cabinet parliament
    assembly church channel network media press news times post journal herald tribune review
    magazine report island islands river lake mountain sea ocean park square road avenue
    street airport station stadium league cup championship games world war day year act bill
    law treaty agreement plan project program programme security intelligence studies
    research poll survey fund trust""".split()
)

# Name particles: "Ursula von der Leyen", "Abu Bakr al-Baghdadi".
PARTICLES = frozenset("de da del della der di du van von bin ibn al el la le ter den dos das".split())

# --- closed-class words ------------------------------------------------------------------------

# Capitalised only because they open a sentence: never part of a name.
_ENGLISH_FUNCTION_WORDS = frozenset(
    """the a an and but or nor so yet in on at as for with after before when while if this
    that these those it its there here according meanwhile however also since although though
    because from by to of his her their our my we they he she i you what why how who where
    which despite during under over among between through without within about around against
    then now today yesterday last next once still even not no yes all both each every many
    most some such""".split()
)

# Determiners that open a descriptive subject: "a city spokesman said".
_ENGLISH_DETERMINERS = frozenset(
    "the a an one another his her its their this that these those some several two three".split()
)

# Words that cannot be inside a subject noun phrase directly before a verb.
BREAKERS = frozenset(
    """and but or that which who whom whose when while as if because although though since
    after before where so than then to of""".split()
)
PREPOSITIONS = frozenset(
    "to of in on at by for with from about into over under against between through via".split()
)
# Prepositions of place: what follows them ("in Norrland", "at Harbour Hall") is somewhere.
LOCATIVES = frozenset("in at across near throughout inside outside".split())

# Words that may sit between a subject and its speech verb: "Smith has also said".
AUX_ADVERBS = frozenset(
    """has have had was is were are will would could should also later then previously once
    recently again repeatedly reportedly further publicly privately separately earlier
    subsequently simply only just even already frankly bluntly flatly angrily famously
    quietly openly initially finally first last today yesterday tonight""".split()
)

_ENGLISH_CLOSED = _ENGLISH_FUNCTION_WORDS | BREAKERS | PREPOSITIONS | AUX_ADVERBS

# --- reporting verbs, pronouns: from the per-language data files ------------------------------

_LANGS = languages()


def _foreign(words: Iterable[str]) -> frozenset[str]:
    """Other languages' closed-class words, minus any that are English words of another kind
    (Polish "on" is "he" but English "on" is a preposition)."""
    return frozenset(words) - _ENGLISH_CLOSED


def _all(field: str) -> Iterator[str]:
    for lang in _LANGS:
        yield from getattr(lang, field)


_PHRASES = frozenset(v for v in _all("speech_verbs") if " " in v) | frozenset(_all("according_to"))
# Speech cues of one word; cues of several words ("a déclaré", "according to") are matched as
# token sequences (``PHRASAL_CUES``).
CUE_WORDS = frozenset(v for v in _all("speech_verbs") if " " not in v) | frozenset(
    a for a in _all("according_to") if " " not in a
)
# Cues that count only right after a closing quote mark: German "„…“, so Scholz".
AFTER_QUOTE_ONLY = frozenset(_all("after_quote_only"))
# Participles continue the subject of their clause ("..., adding: '...'"), never invert.
PARTICIPLES = frozenset(_all("participles"))
# Cues that may precede their subject ('"...," said Smith'). Not "told": its noun is the listener.
INVERTIBLE = CUE_WORDS - PARTICIPLES - frozenset(_all("not_invertible"))
# Cues of several words, as token tuples, longest first.
PHRASAL_CUES = tuple(sorted({tuple(p.split()) for p in _PHRASES}, key=len, reverse=True))
# "according to X", "selon X", "laut X": the subject follows the phrase.
ACCORDING = frozenset(tuple(a.split()) for a in _all("according_to"))
NEGATIONS = frozenset(_all("negations"))

# --- pronouns ----------------------------------------------------------------------------------

MALE_SUBJECT = frozenset({"he"}) | _foreign(_all("male_pronouns"))
FEMALE_SUBJECT = frozenset({"she"}) | _foreign(_all("female_pronouns"))
PRONOUNS = frozenset("he she they it i we you".split()) | MALE_SUBJECT | FEMALE_SUBJECT
MALE_PRONOUNS = frozenset("he him his himself".split()) | MALE_SUBJECT
FEMALE_PRONOUNS = frozenset("she her hers herself".split()) | FEMALE_SUBJECT

# Other languages' determiners ("der", "le", "el") and titles ("Bundeskanzlerin", "ministre").
DETERMINERS = _ENGLISH_DETERMINERS | _foreign(_all("determiners"))
DEFINITE = frozenset(_all("definite"))
ROLE_WORDS = _ENGLISH_ROLE_WORDS | frozenset(_all("titles"))
# Capitalised at a sentence start, never part of a name: "Der Bauleiter", "Selon Claire Dubois".
FUNCTION_WORDS = _ENGLISH_FUNCTION_WORDS | (
    (_foreign(_all("determiners")) | frozenset(a.split()[0] for a in _all("according_to"))) - PARTICLES
)
