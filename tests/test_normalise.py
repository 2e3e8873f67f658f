from bot.understanding.normalise import Lexicon, content_tokens, stem, strip_accents, words


def test_accents_case_and_ligatures():
    assert strip_accents("Élève ŒUVRE à l'école") == "eleve oeuvre a l'ecole"


def test_elisions_are_expanded():
    assert words("Qu’est-ce que l'IPE ? j'ai") == [
        "que",
        "est",
        "ce",
        "que",
        "le",
        "ipe",
        "je",
        "ai",
    ]


def test_ordinals_in_digits_and_words():
    for text in [
        "stage de 3e",
        "stage de 3eme",
        "stage de 3ème",
        "stage de troisième",
        "stage 3 eme",
    ]:
        assert words(text)[-1] == "3e", text
    assert words("en seconde")[-1] == "2de"
    assert words("en 2nde")[-1] == "2de"
    assert words("en classe de 4")[-1] == "4e"


def test_sms_spellings_from_the_lexicon():
    lexicon = Lexicon.from_lists({"koi": "quoi", "c": "c'est", "pa": "pas"}, {}, [])
    assert words("c koi", lexicon) == ["ce", "est", "quoi"]
    assert words("jtrouve pa", lexicon) == ["je", "trouve", "pas"]


def test_synonyms_map_to_canonical_word():
    lexicon = Lexicon.from_lists({}, {"entreprise": ["boite", "boîte"]}, [])
    assert words("une boîte", lexicon) == ["une", "entreprise"]


def test_sports_stage_is_not_an_internship():
    lexicon = Lexicon.from_lists({}, {}, ["foot", "permis", "recuperation", "voile"])
    assert "stag" not in content_tokens("un stage de foot cet été", lexicon)
    assert "stag" not in content_tokens("stage de récupération de points du permis", lexicon)
    assert "stag" not in content_tokens("stage de voile", lexicon)
    assert "stag" in content_tokens("je cherche un stage en boulangerie", lexicon)
    # the activity names the kind of stage only right after it
    assert "stag" in content_tokens("refusé en stage à cause de mon voile", lexicon)


def test_stem_joins_plurals_and_keeps_short_words():
    assert stem("stages") == stem("stage")
    assert stem("entreprises") == stem("entreprise")
    assert stem("3e") == "3e"
    assert stem("bts") == "bts"


def test_noise_is_harmless():
    assert words("😀😀 <b>stage</b> !!!") == ["b", "stage", "b"]
    assert len(words("a " * 20_000)) < 2_000


def test_everyone_and_saying_no_are_read_as_french_idioms():
    assert "monde" not in words("tout le monde me dit non")
    assert "refuse" in words("tout le monde me dit non")  # a refusal
    assert "refuse" in words("ils m'ont tous répondu non")
    assert "non" in words("non merci")  # a plain "non" stays
    assert "monde" in words("le monde du travail")
