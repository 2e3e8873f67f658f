"""The pupil's request to an IPE as a conversation: start or resume, typed answers, buttons.

The steps and their validation are in `forms`; this module says them and reacts to answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.cases.details import LEVEL_CHOICES
from bot.desks import form_chat, form_checks, levels, process_questions, said_before, teacher_forms
from bot.desks import forms as form_steps
from bot.desks.class_words import parse_level, pro_year
from bot.desks.erasure import ERASE, ERASE_BUTTON, asks_to_erase
from bot.desks.offer_form import is_offer_form
from bot.desks.phrases import HELP_REQUEST, HOW_TO_ASK, NO, REQUEST_INTRO, YES
from bot.desks.teacher_draft import details_in
from bot.messages import Choice, Reply, State, by_role, voice
from bot.understanding.normalise import words

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine
    from bot.store.models import Placement

QUESTION_SCORE = 75.0  # a question typed during the form is answered when this clear


def start(engine: DialogueEngine, state: State, text: str | None = None) -> Reply:
    """Start the request for an IPE, or resume a paused one where it stopped. `text`: the
    message that asked for it; else the last question (its town and school are offered)."""
    assert engine.academies is not None
    if state.form is not None and state.form.get("kind"):  # another form (an IPE's /offre)
        state.form = None
    if state.form is not None:
        state.form.pop("paused", None)
        intro = by_role(
            voice(state),
            "On reprend ta demande là où tu l'avais laissée.",
            "On reprend la demande là où vous l'aviez laissée.",
        )
    else:
        state.form = form_steps.new_form()
        told = [t for t in (text, state.last_question) if t]  # this message, then the last
        if state.academy in engine.academies.academies:
            state.form["pending_academy"] = state.academy  # known: only confirm it
        else:  # "jtrouve pa de stage a lyon": Lyon's académie, to confirm
            guesses = (said_before.academy_in(t, engine.academies) for t in told)
            state.form["pending_academy"] = next((g for g in guesses if g), None)
        # a poster's link, or the words ("au collège Jean Moulin")
        school = state.school or next(filter(None, map(said_before.school_in, told)), None)
        if school:  # offered at the school step
            state.form["known_school"] = school
        level = state.level or (state.topic_level if state.parent else None)  # « mon fils… »
        own = (levels.own_class(" ".join(words(t))) for t in told if not state.parent)
        level = level or next((x for x in own if x), None)  # « jtrouve pas de stage de 3e »
        if (state.parent or state.role != "teacher") and level in form_steps.LEVEL_CHOICES:
            form_steps.prefill(state.form, "level", level)  # "jsuis en 3e" said before
            year = next(filter(None, (pro_year(level, t) for t in told)), None)  # « 2nde pro »
            if year:
                state.form["answers"]["level_year"] = year
        # « le stage est du 9 au 13 février »: not asked again
        if period := next(filter(None, (details_in(t).get("period") for t in told)), None):
            form_steps.prefill(state.form, "period", period)
        intro = by_role(voice(state), *REQUEST_INTRO)
    return _prompt(engine, state, intro)


def start_for_placement(engine: DialogueEngine, state: State, placement: Placement) -> Reply:
    """The request for an offer the pupil is interested in (desks.offers): the offer's
    académie to confirm, its sector, place and dates filled in, consent at the end as always."""
    state.form = form_steps.new_form()
    state.form["placement"] = placement.id
    state.form["pending_academy"] = placement.academy_id
    if state.school:
        state.form["known_school"] = state.school
    form = state.form
    form_steps.prefill(form, "sectors", f"offre « {placement.title} » ({placement.employer})")
    form_steps.prefill(form, "place", placement.commune)
    if placement.first_day and placement.last_day:
        period = f"du {placement.first_day:%d/%m} au {placement.last_day:%d/%m/%Y}"
        form_steps.prefill(form, "period", period)
    if state.level in LEVEL_CHOICES:
        form_steps.prefill(form, "level", state.level)
    intro = by_role(
        voice(state),
        f"Super choix ! Pour qu'un ingénieur pour l'école puisse te réserver « {placement.title} », "
        "il lui faut ta demande : quelques questions rapides, et rien n'est envoyé sans ton "
        "accord à la fin.",
        f"Pour « {placement.title} », l'ingénieur pour l'école a besoin de la demande : quelques "
        "questions, rien n'est envoyé sans accord à la fin.",
    )
    return _prompt(engine, state, intro)


def steps_of(form: dict):
    """The form's steps: the pupil's (`forms`) or the teacher's (`teacher_forms`)."""
    return teacher_forms if form.get("type") == "teacher" else form_steps


def confirming(state: State) -> bool:
    """The form asks Oui / Non about a guessed académie, or offers académies as buttons."""
    form = state.form or {}
    return bool(form.get("pending_academy") or form.get("academy_choices"))


def is_teacher_form(state: State) -> bool:
    return state.form is not None and state.form.get("type") == "teacher"


RESUME_LABEL = "▶️ Reprendre ma demande"


def resume_choices(state: State) -> list[Choice]:
    """The button that resumes a paused request form, where it stopped (an IPE's /offre form:
    the command only)."""
    if state.form is None or not state.form.get("paused") or is_offer_form(state.form):
        return []
    return [Choice(RESUME_LABEL, "tq" if is_teacher_form(state) else "esc")]


def pause(state: State) -> str:
    """/start in the middle of a form: the form waits at its step (its button and /stage
    resume it), so the next message is not taken for this step's answer; the line that says so."""
    if state.form is None or state.form.get("paused"):
        return ""
    state.form["paused"] = True
    return by_role(
        voice(state),
        "\n\nTa demande en cours est en pause : reprends-la avec ▶️ ou /stage.",
        "\n\nLa demande en cours est en pause : reprenez-la avec ▶️ ou /stage.",
    )


def paused_menu(state: State, menu: Reply) -> Reply:
    """/menu in the middle of a form: the form waits, the menu says so."""
    paused = pause(state).strip()
    menu.text = f"{paused}\n\n{menu.text}" if paused else menu.text
    return menu


def keep_resume(state: State, reply: Reply) -> None:
    """A paused request: its ▶️ button first on menus, « je n'ai pas compris », and answers
    after the safety message (which paused it: resume.CRISIS_PAUSE)."""
    resume = resume_choices(state)
    shown = reply.kind in ("menu", "fallback") or bool(resume and state.form["paused"] == "crisis")
    if resume and shown and resume[0] not in reply.choices:
        reply.choices = [*resume, *reply.choices]


def _prompt(engine: DialogueEngine, state: State, intro: str = "") -> Reply:
    assert engine.academies is not None and state.form is not None
    step = steps_of(state.form).prompt(state.form, voice(state), engine.academies)
    text = f"{intro}\n\n{step.text}" if intro else step.text
    choices = [Choice(label, choice_id) for label, choice_id in step.choices]
    return Reply(text, choices, kind="form")


# the pupil has found a placement meanwhile ("en fait c bon jai trouvé"): cancelled, with joy
FOUND = re.compile(
    r"\b(?:j ai|jai|je ai|g|on a|il a|elle a) (?:enfin |finalement |deja )?(?:trouve|eu)"
    r"(?: (?:un |mon |une |le |la |ma )?(?:stage|place|entreprise|pfmp|patron|alternance)\b|$)"
    r"|\bi (?:found|got) (?:a|an|my) (?:placement|internship|stage)\b"
    # someone found it for the pupil: "ma mère m'a trouvé un stage", "mon oncle me prend en stage"
    r"|\b(?:m a|ma|me a|nous a) (?:enfin |finalement |deja )?trouve (?:un |une |mon |ma )?"
    r"(?:stage|place|entreprise|pfmp|alternance)\b"
    r"|\b(?:me prend|me prendre|va me prendre|veut bien me prendre|me prendra) en (?:stage|pfmp)\b"
    # a yes from the company: "l'entreprise m'a dit oui", "ils m'ont pris", "j'ai été acceptée"
    r"|\b(?:entreprise|patron|patronne|boite|magasin|garage|resto|restaurant|boulangerie|salon"
    r"|pharmacie|mairie|tuteur|tutrice|directeur|directrice|responsable|gerant|gerante|chef|ils"
    r"|elles|on) (?:m a|ma|me a|m ont|mont|me ont) (?:dit|repondu) oui\b"
    r"|\b(?:ils|elles) m (?:ont|on) pris(?: en (?:stage|pfmp|alternance)|$)"
    r"|\b(?:j ai|jai|je ai) ete (?:pris|prise|accepte|acceptee|retenu|retenue)\b"
    r"|\bthey (?:said yes|accepted me|took me)\b"
)
# not a placement found: "personne veut me prendre en stage", "est-ce qu'il va me prendre ?"
_NOT_FOUND = re.compile(
    r"\b(pas|mais|sauf|aucun|aucune|refuse|refusee|plus|not|copine|copain|rdv|rendez vous"
    r"|personne|nulle part|jamais|rien|no one|nobody|est ce|si|pourrait|pourra|voudra|va t il"
    r"|va t elle|peut etre|comment|espere)\b"
)
_LEAVE = re.compile(
    r"^(?:(?:je|j) (?:veux|voudrais|souhaite|prefere) |on peut |finalement |bon )?"
    r"(annule[rz]?|stop|cancel|quitter|j abandonne|laisse[rz]? tomber|arrete[rz]?|non merci"
    r"|non ce est pas pour ca|non ce n est pas pour ca|je veux plus|je ne veux plus"
    r"|en fait non|non laisse|finalement non|plus besoin|pas besoin)\b"
)
# the whole message asks to go one step back, as the ⬅️ Retour button does
_BACK = re.compile(
    r"^(retour|revenir|reviens|precedent|etape precedente|revenir en arriere|en arriere"
    r"|retour en arriere|back|go back)$"
)
_QUESTION = re.compile(  # a message that starts as a question does
    r"^(ce est quoi|c est quoi|c koi|qu est ce|comment|pourquoi|est ce que|combien|quand|qui|ou"
    r"|quel|quelle|quels|quelles|peut on|puis je|dois je|faut il|is it|how|what|can)\b"
)
_WHAT_IS = re.compile(r"\b(c koi|c quoi|ce est quoi|cest quoi|kesako|ca veut dire quoi)\b")
# words of a question about the stage itself (« c payé le stage de 3e ? »), not an unsure class
_STAGE_FACTS = re.compile(r"\b(paye|payee|paie|remunere|combien|obligatoire|dure|duree|c quoi)\b")
FREE_TEXT_STEPS = ("school", "period", "sectors", "place", "tried")


def says_found(said: str) -> bool:
    """ "jai trouvé un stage finalement", "i found an internship" (normalised words)."""
    return FOUND.search(said) is not None and not _NOT_FOUND.search(said)


def asks_for_help(engine: DialogueEngine, state: State, said: str) -> bool:
    """ "je veux parler à l'ingénieur", or "comment je fais la demande ?" after an answer that
    offers the request."""
    if HELP_REQUEST.search(said):
        return True
    last = engine.kb.topics.get(state.last_topic or "")
    return last is not None and last.action == "escalate" and bool(HOW_TO_ASK.search(said))


def on_text(engine: DialogueEngine, state: State, text: str) -> Reply:
    """A typed answer; or the pupil leaving the form, or asking a question on the way."""
    assert engine.academies is not None and state.form is not None
    said = " ".join(words(text))
    asked_before = state.form.pop("asked_inside", None)  # the last message was so questioned
    found = says_found(said)
    aside = form_chat.aside(state.form["step"], said, voice(state), not is_teacher_form(state))
    if aside is not None and not found:  # « re », « c quoi un secteur », « laisse tomber »
        return _prompt(engine, state, aside)
    if is_teacher_form(state) and (changed := teacher_forms.action_changed(state.form, text)):
        return _prompt(engine, state, changed)  # « en fait non, plutôt un intervenant »
    if found or (_LEAVE.search(said) and not teacher_forms.names_action(state.form, said)):
        return _cancelled(engine, state, found)
    if asks_to_erase(said):  # « efface mes données stp »: not the school's name
        erase = _prompt(engine, state, by_role(voice(state), *ERASE))
        erase.choices.insert(0, ERASE_BUTTON)
        return erase
    if asked := process_questions.in_form(said, voice(state), is_teacher_form(state)):
        return _prompt(engine, state, asked)  # « c gratuit ? », « mes parents vont le savoir ? »
    if _BACK.match(said):
        return on_choice(engine, state, "back")
    school = said_before.school_in(text) if state.form["step"] == "academy" else None
    if school and not state.form.get("known_school"):  # « college lakanal aubagne »: kept
        state.form["known_school"] = school
    if state.form["step"] == "consent":  # a typed yes, as the button; a no: not the recap again
        if _CONSENT_YES.match(said):
            return on_choice(engine, state, "ok")
        if _CONSENT_NO.match(said) or _CONSENT_REFUSED.search(said):
            prompt = _prompt(engine, state)
            return Reply(by_role(voice(state), *NOT_SENT), prompt.choices, kind="form")
    steps = steps_of(state.form)
    free = teacher_forms.FREE_TEXT_STEPS if steps is teacher_forms else FREE_TEXT_STEPS
    # a question on the way: at a free-text step, or a clear one (4 words and a "?") at any step
    question = text.rstrip().endswith("?") or any(  # _ASKED_INSIDE: "vous en faites quoi"
        pattern.search(said) for pattern in (_QUESTION, _ASKED_INSIDE)
    )
    asks = text.rstrip().endswith("?") or _WHAT_IS.search(said) is not None
    clear = asks and (len(said.split()) >= 4 or said.startswith("et "))  # « et le rapport ? »
    if state.form["step"] == "level" and parse_level(text) is not None:
        asked = (_QUESTION.search(said), _WHAT_IS.search(said), _STAGE_FACTS.search(said))
        if not any(asked):  # « euh je suis en 3e ? »: an unsure answer, not a question
            question = clear = False
    if (state.form["step"] in free and question) or clear:
        result = engine.matcher.match(text)
        if result.topic is not None and result.score >= QUESTION_SCORE:
            answer = engine.answer(state, engine.kb.topics[result.topic], result.score)
            resume = _prompt(
                engine,
                state,
                by_role(voice(state), "On reprend ta demande :", "On reprend la demande :"),
            )
            answer.text += "\n\n" + resume.text
            answer.choices = resume.choices
            return answer
        unsure = said.startswith("ou ")  # « ou à Lyon plutôt ? »: an unsure answer
        if clear and state.form["step"] not in free and _QUESTION.match(said) and not unsure:
            # « combien ça coûte ? » at the pupils' number: not an answer to this step either
            # (« je suis en 2nde pro ? », an unsure answer, is still read as one)
            return _prompt(engine, state, by_role(voice(state), *form_chat.UNANSWERED_INSIDE))
        step = state.form["step"]  # « est-ce qu'un stage peut se faire en mairie ? » as the
        # theme: asked once whether it is the answer (typed again, it is kept)
        if (
            clear
            and _QUESTION.match(said)
            and not unsure
            and step != "constraints"
            and asked_before != step
        ):
            state.form["asked_inside"] = step
            return _prompt(engine, state, by_role(voice(state), *form_chat.QUESTION_OR_ANSWER))
    if state.form["step"] in free and form_checks.CORRECTS.search(said):  # "oups, en fait…"
        fixed = teacher_forms.fixed_later(state.form, text) if steps is teacher_forms else None
        fix = fixed or form_checks.corrected(state.form, text, voice(state), engine.academies)
        if fix is not None:
            return _prompt(engine, state, fix)
    if state.form["step"] == "school" and state.form.get("known_school") and YES.match(said):
        return on_choice(engine, state, "sc")  # « oui » to the school offered, as ✅ Oui
    if (
        state.form["step"] == "school"
        and not state.form.get("known_school")
        and "academy" not in state.form.get("given", ())
        and NO.match(said)
    ):  # « non » just after « C'est noté : académie de … (⬅️ Retour si ce n'est pas la bonne) »
        steps.back(state.form)
        fix = by_role(voice(state), "D'accord, on corrige l'académie.", "Entendu, corrigeons.")
        return _prompt(engine, state, fix)
    if state.form["step"] in _NAMED_STEPS and (YES.match(said) or NO.match(said)):  # out of step
        return _prompt(engine, state, by_role(voice(state), *_NOT_AN_ANSWER))
    problem = steps.answer_text(state.form, text, voice(state), engine.academies)
    return _prompt(engine, state, problem or "")


_CONSENT_YES = re.compile(  # « ah si en fait jveux bien »; _CONSENT_NO: « non jveux pas »
    r"^(?:(?:ah|bon|euh|ok|oui|si|ouais|en fait|enfait)\s+)*(?:oui|ouais|si|ok|d accord|daccord"
    r"|j accepte|jaccepte|je accepte|accepte|vas y|go|envoie|envoie la|envoyer|je veux bien"
    r"|jveux bien|yes|yeah|yep|send it|send)(?:\s+(?:merci|stp|svp|je veux bien|jveux bien"
    r"|envoie|vas y|je accepte|send it|please|pls))*$"
)
_CONSENT_NO = re.compile(
    r"^(?:(?:ah|bon|euh|en fait|enfait)\s+)*(?:non|nan|no|pas envie|je veux pas|jveux pas"
    r"|je ne veux pas|je accepte pas|j accepte pas)(?:\s+(?:merci|je veux pas|jveux pas"
    r"|finalement|en fait))*$"
)
_CONSENT_REFUSED = re.compile(  # « non je préfère pas envoyer », « nan c bon laisse »
    r"\b(prefere pas|prefere ne pas|pas envoyer|envoie pas|envoyez pas|pas maintenant|pas encore"
    r"|pas tout de suite|je refuse|jrefuse|refuse|pas d accord|c bon laisse|laisse$|non merci"
    r"|nan merci|no thanks|don t send|dont send|laisse[rz]? tomber|on annule|annulez|on abandonne)\b"
)
NOT_SENT = (
    "D'accord, rien n'est envoyé. Pour corriger une réponse : ⬅️ Retour. Pour arrêter la "
    "demande : ❌ Annuler. Et si tu changes d'avis : ✅ J'accepte.",
    "Entendu, rien n'est envoyé. Pour corriger une réponse : ⬅️ Retour. Pour arrêter la "
    "demande : ❌ Annuler. Pour l'envoyer : ✅ J'accepte.",
)


_ASKED_INSIDE = re.compile(
    r"\b(?:quoi|koi|pourquoi|pk|comment|combien)$"
)  # "...vous en faites quoi"
_NAMED_STEPS = ("school", "sectors", "place", "period", "theme", "level")  # "oui" names none
_NOT_AN_ANSWER = (
    "Je n'ai pas compris ta réponse : écris-la en quelques mots (⬅️ Retour pour revenir).",
    "Je n'ai pas compris la réponse : pouvez-vous la préciser ? (⬅️ Retour pour revenir)",
)


def _cancelled(engine: DialogueEngine, state: State, found: bool = False) -> Reply:
    teacher = is_teacher_form(state)
    state.form = None
    reply = Reply(
        "La demande est annulée : rien n'a été envoyé. Vous pouvez la refaire avec /intervention."
        if teacher
        else by_role(
            voice(state),
            "Ta demande est annulée : rien n'a été envoyé. Tu peux la refaire avec /stage.",
            "La demande est annulée : rien n'a été envoyé.",
        ),
        engine.theme_choices(state),
        kind="menu",
    )
    if found and not teacher:
        joy = by_role(voice(state), "Super, bravo pour ton stage 🎉 ", "Très bonne nouvelle 🎉 ")
        reply.text = joy + reply.text
    return reply


def on_choice(engine: DialogueEngine, state: State, choice: str) -> Reply:
    assert engine.academies is not None and state.form is not None
    state.form.pop("paused", None)
    outcome = steps_of(state.form).answer_choice(state.form, choice, engine.academies)
    if outcome == "cancel":
        return _cancelled(engine, state)
    if outcome == "submit" and is_teacher_form(state):
        answers = dict(state.form["answers"])
        state.form, state.academy = None, answers.get("academy")
        return Reply(
            "C'est envoyé ✅ Référence de votre demande : {reference}. Vous serez prévenu·e ici "
            "dès qu'un ingénieur pour l'école la prend en charge ; /demande pour la suivre.",
            kind="submitted",
            effects=[("create_teacher_case", answers)],
        )
    if outcome == "submit":
        answers = dict(state.form["answers"])
        placement = state.form.get("placement")  # "Ça m'intéresse" (desks.offers)
        state.form, state.academy = None, answers.get("academy")
        if answers.get("level") in (*engine.levels, "autre"):  # never asked again
            state.level = answers["level"]
        text = by_role(
            voice(state),
            "C'est envoyé ✅ Ta demande porte la référence {reference}. Un ingénieur pour "
            "l'école de ton académie va la lire : je te préviens ici dès qu'elle est prise en "
            "charge. En attendant, continue tes recherches !",
            "C'est envoyé ✅ Référence de la demande : {reference}. Vous serez prévenu·e ici "
            "dès qu'un ingénieur pour l'école la prend en charge.",
        )
        if state.parent:  # a parent for their child: the IPE answers them in vous
            answers = {**answers, "by": "parent"}
        state.role = state.role or (None if state.parent or state.staff else "pupil")  # tu now
        effects = [("create_case", answers)]
        if placement:
            effects.append(("attach_placement", placement))
        return Reply(text, kind="submitted", effects=effects)
    if outcome == "invalid":
        return _prompt(
            engine,
            state,
            by_role(voice(state), "Ce bouton n'est plus valable.", "Ce bouton n'est plus valable."),
        )
    return _prompt(engine, state)


def edit_ignored(engine: DialogueEngine, state: State) -> Reply:
    """An edited message during the form: not taken as an answer; the current step again."""
    return _prompt(
        engine,
        state,
        by_role(
            voice(state),
            "Je ne tiens pas compte des messages modifiés pendant la demande. Pour corriger une "
            "réponse, utilise ⬅️ Retour.",
            "Je ne tiens pas compte des messages modifiés pendant la demande. Pour corriger une "
            "réponse, utilisez ⬅️ Retour.",
        ),
    )
