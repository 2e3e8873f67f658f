"""The safety message, and the question the same message may also ask.

A strong signal always answers with the safety message first, alone at the top. When the
message also asks a question ("?" or a question word) the knowledge base answers ("mon tuteur me frappe, je peux arrêter
mon stage ?", or a long harmless story the net misread), the reply says so and offers that
answer as a button: the pupil is never left without the answer they came for, and the helplines
stay the first thing they read.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from bot.desks import parents, register, resume
from bot.desks.answers import split_answer
from bot.desks.context import ASKING
from bot.desks.phrases import NO_FEEDBACK_TOPICS, TEACHER_CUES
from bot.desks.request import resume_choices
from bot.desks.resume import CRISIS_PAUSE
from bot.messages import Choice, Reply, State, answer_voice, by_role, voice
from bot.understanding.knowledge import Topic
from bot.understanding.matching import MatchResult
from bot.understanding.normalise import words
from bot.understanding.safety import SafetySignal
from bot.understanding.topics import CRISIS_TOPIC

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine


KEEP_WRITING = (  # the last line of the safety message (a relayed one says it its own way)
    "\n\nTu peux aussi continuer à m'écrire ici pour tes questions sur les stages.",
    "\n\nVous pouvez aussi continuer à m'écrire ici pour vos questions.",
)


def crisis_reply(
    engine: DialogueEngine, state: State, signal: SafetySignal, text: str | None = None
) -> Reply:
    """The safety message; a request being filled waits at its step; the question, if any,
    offered as a button."""
    safety = engine.kb.safety
    assert safety is not None
    state.crisis_at = time.time()
    said = " ".join(words(text or ""))
    if state.role is None and signal.reporter == "other":  # an adult tells of a pupil
        if TEACHER_CUES.search(said):
            state.role = "teacher"
        else:
            state.parent = True  # a parent, or an adult who did not say: vous from now on
    # a parent is answered as the adult they are (vous), unless the child took the phone
    adult = state.parent and state.role != "pupil" and not parents.HANDOVER.search(said)
    body = safety.message(signal, "parent" if adult else state.role)
    if state.form is not None and not state.form.get("paused"):
        state.form["paused"] = CRISIS_PAUSE  # its ▶️ stays under the answers that follow
        body += by_role(
            voice(state),
            "\n\nTa demande de stage est en pause : reprends-la quand tu veux avec le bouton "
            "ou /stage, là où tu en étais.",
            "\n\nLa demande est en pause : reprenez-la quand vous voulez avec le bouton ou "
            "/stage, là où vous en étiez.",
        )
        return Reply(body, resume_choices(state), kind="safety", safety=signal.level)
    topic = _question_topic(engine, state, text)
    if topic is None:
        body += by_role(voice(state), *KEEP_WRITING)
        return Reply(body, kind="safety", safety=signal.level)
    title = register.title(topic, register.reader(state))
    body += by_role(
        voice(state),
        f"\n\nTa question sur « {title} » : la réponse est sous ce bouton.",
        f"\n\nVotre question sur « {title} » : la réponse est sous ce bouton.",
    )
    choices = [Choice(title, f"t:{topic.id}")]
    return Reply(body, choices, kind="safety", safety=signal.level)


def _question_topic(engine: DialogueEngine, state: State, text: str | None) -> Topic | None:
    """The topic a message confidently asks about, besides distress (None if none): only a
    message that asks something ("?", "comment", "quand"...), so distress alone gets no topic.
    The whole message is read, then its last clause (the question itself); a question about a
    stage the matcher cannot place gets "Un problème pendant le stage" (changing, stopping)."""
    said = " ".join(words(text or ""))
    if not text or ("?" not in text and not ASKING.search(said)):
        return None
    last = _CLAUSES.split(text.strip())[-1]
    for asked in (text, last) if len(last.split()) >= MIN_CLAUSE_WORDS else (text,):
        result = engine.matcher.match(asked, calm=True)
        if result.topic is None or result.topic in NOT_BESIDE:
            continue
        if result.score < engine.matcher.settings.answer_threshold:
            continue  # the classifier's weak guess: "que dois-je faire ?" is about the distress
        topic = engine.kb.topics[result.topic]
        if topic.serves(state.role or "pupil"):
            return topic
    if state.role != "teacher" and _ABOUT_THE_STAGE.search(said):
        return engine.kb.topics.get(STAGE_PROBLEM)
    return None


_CLAUSES = re.compile(r"[,.;:!]\s+")
MIN_CLAUSE_WORDS = 5
NOT_BESIDE = {*NO_FEEDBACK_TOPICS, "aide", "robot"}  # "que dois-je faire ?" is not "/aide"
STAGE_PROBLEM = "probleme-stage"
_ABOUT_THE_STAGE = re.compile(
    r"\b(stage|stages|stg|pfmp|tuteur|tutrice|patron|patronne|maitre de stage|entreprise"
    r"|internship|placement)\b"
)


def mark(reply: Reply, state: State, level: str, footer: str, category: str = "") -> None:
    """A signal on a message the reply does not answer as distress: the helpline line, under an
    answer, above a question ("Tu voulais dire :"); its time, for the « ok » that follows."""
    reply.safety = level
    if reply.topic == CRISIS_TOPIC:  # the distress topic has the lines
        return
    if category == "abuse" and reply.topic == "discrimination":  # its own line, the 39 28
        return
    state.weak_at = time.time()
    if reply.kind == "did_you_mean":
        reply.text = f"{footer}\n\n{reply.text}"
    else:
        reply.text = f"{reply.text}\n\n{footer}"


# Just after the safety message, a message the knowledge base does not clearly answer is about
# what was just told: an adult gets what to do next (the distress topic's rest: the parents,
# writing the IP, the procureur, secrecy), a pupil who asks « c'est normal ? » a plain no.
FOLLOW_UP_BELOW = 80.0
IS_IT_NORMAL = re.compile(
    r"\b(c|ce|cest|c est|ce est|est ce|is it|is that|that s|thats) ?(normal|grave|ok|legal)\b"
    r"|\b(j ai|jai|g|je ai|il a|elle a) le droit\b|\bnormal\b"
)
NOT_NORMAL = (
    "Non, ce n'est pas normal, et ce n'est pas de ta faute. Personne n'a le droit de te faire du "
    "mal, de te toucher ou de t'humilier, ni en stage ni ailleurs. Tu as le droit d'en parler et "
    "d'être protégé·e : un adulte de confiance (CPE, infirmier·e scolaire, un prof), ou le 119 "
    "et le 3018, gratuits, par téléphone ou par tchat (allo119.gouv.fr, 3018.fr)."
)
# what a pupil who has just told something hard often says next: « et si on me croit pas »,
# « j'ai peur qu'il l'apprenne »
NOT_BELIEVED = re.compile(
    r"\b(croit|croira|croiront|croyait|croient|crois|croirai) (pas|personne|jamais)\b"
    r"|\b(me|nous) croire\b|\bbelieve me\b|\b(menteur|menteuse|mytho|mythomane)\b"
)
BELIEVED = (
    "Tu as le droit d'être cru·e, et ce n'est pas à toi de prouver quoi que ce soit. Si un "
    "adulte ne t'écoute pas, parles-en à un autre (CPE, infirmier·e scolaire, un prof) jusqu'à "
    "ce que quelqu'un agisse. Au 119 et au 3018 (gratuits, par téléphone ou par tchat sur "
    "allo119.gouv.fr et 3018.fr), des professionnels t'écoutent et te prennent au sérieux. Des "
    "messages ou des photos ? Garde-les."
)
AFRAID_OF = re.compile(
    r"\b(j ai|jai|je ai|g|j) (trop |tellement |super )?peur\b|\b(j ose|jose|je ose) pas\b"
    r"|\b(scared|afraid)\b|\b(s il|si il|s ils|si elle|si ils|si mes parents|si ma mere"
    r"|si mon pere) (l |le )?(apprend|apprennent|sait|savent|decouvre)\b"
    r"|\b(m en vouloir|se venger|des problemes|des ennuis)\b"
)
AFRAID = (
    "C'est normal d'avoir peur, et c'est courageux d'en parler. Au 119 (24h/24, gratuit, aussi "
    "en tchat sur allo119.gouv.fr), tu peux être conseillé·e sans dire ton nom. Les adultes à "
    "qui tu en parles (CPE, infirmier·e scolaire, un prof) sont là pour te protéger, pas pour te "
    "punir. Si tu es en danger maintenant, appelle le 112 ou envoie un SMS au 114."
)
WORRIES = ((NOT_BELIEVED, BELIEVED), (AFRAID_OF, AFRAID), (IS_IT_NORMAL, NOT_NORMAL))


# The distress topic read again right after its answer (« jsuis juste triste tt le temps »,
# « jsp a qui parler »): not the same text twice, but who to talk to, in a few words.
AGAIN = (
    "Je t'entends. Je suis un programme : le mieux, c'est d'en parler à une vraie personne. Un "
    "adulte de confiance (CPE, infirmier·e scolaire, psychologue de l'Éducation nationale, un "
    "prof), ou, sans dire ton nom, Fil Santé Jeunes au 0 800 235 236 (gratuit, aussi en tchat sur "
    "filsantejeunes.com). Si tu as des idées noires, appelle le 3114, 24h/24. Et pour ton stage "
    "ou ton orientation, je suis là."
)
STILL_HERE = (
    "Je reste là. Parler à quelqu'un, même juste un peu, ça aide : Fil Santé Jeunes au "
    "0 800 235 236 (gratuit, anonyme), ou le 3114 à toute heure si tu as des idées noires."
)


def follow_up(engine: DialogueEngine, state: State, said: str, result: MatchResult) -> Reply | None:
    """The reply to a message just after the safety message that the knowledge base does not
    clearly answer; None otherwise (a clear question is answered as usual)."""
    if time.time() - state.crisis_at >= AFTER_CRISIS_SECONDS:
        return None
    pupil = state.role != "teacher" and not state.parent
    worry = next((reply for asks, reply in WORRIES if asks.search(said)), None)
    unclear = result.topic in (None, CRISIS_TOPIC) or result.score < FOLLOW_UP_BELOW
    if pupil and worry is not None and len(said.split()) <= 8 and unclear:
        return Reply(worry, kind="answer", topic=CRISIS_TOPIC, score=100.0)
    if result.topic == CRISIS_TOPIC and voice(state) != "teacher":
        again = state.told_rest == CRISIS_TOPIC  # said once already: shorter, not the same
        state.told_rest, state.last_at = CRISIS_TOPIC, time.time()  # (kept by handle_text)
        return Reply(STILL_HERE if again else AGAIN, kind="answer", topic=CRISIS_TOPIC, score=100.0)
    if pupil or not unclear or len(said.split()) > ADULT_FOLLOW_UP_WORDS:
        return None  # a clear question is answered as usual; a long one is a new question
    topic = engine.kb.topics.get(CRISIS_TOPIC)
    if topic is None or state.told_rest == CRISIS_TOPIC:  # said once: the usual reply after
        return None
    state.last_topic, state.told_rest, state.last_at = CRISIS_TOPIC, CRISIS_TOPIC, time.time()
    family = answer_voice(state) == "parent"  # a parent's steps, not the staff's
    _, rest = split_answer(topic.answer_for("parent" if family else "teacher", None))
    if not rest:
        return None
    text = f"Après ce que vous m'avez décrit :\n\n{rest}\n\nSource : {topic.source}"
    return Reply(text, kind="answer", topic=CRISIS_TOPIC, score=100.0, source=topic.source)


# A weak signal on a message the knowledge base cannot answer ("jsuis triste", or « je me sens
# nul » after an answer that said everything): a kind word instead of "I did not understand".
COMFORT = (
    "Ça n'a pas l'air facile en ce moment, et tu n'as pas à rester seul·e avec ça : en parler à "
    "quelqu'un en qui tu as confiance, ça aide. Pour ton stage ou ton orientation, écris-moi ta "
    "question ou choisis un sujet :"
)
# Not understood just after the safety message (« jsais pas si jdois le dire »): never "I did
# not understand" to a pupil who has just told something hard.
AFTER_CRISIS = (
    "Prends le temps qu'il te faut. En parler, c'est la bonne chose à faire, même si c'est dur : "
    "à un adulte de confiance (CPE, infirmier·e scolaire, un prof), ou au 119 et au 3018, "
    "gratuits, par téléphone ou par tchat (allo119.gouv.fr, 3018.fr). Si tu as des idées "
    "noires, le 3114 répond 24h/24. Tu n'as pas à tout raconter d'un coup. Et si tu as une "
    "question sur ton stage, je suis là :"
)
AFTER_CRISIS_SECONDS = resume.AFTER_CRISIS_SECONDS
ADULT_FOLLOW_UP_WORDS = 10  # « et ensuite ? », « que dois-je faire de plus ? »: the rest
AFTER_HELP_SHORT = (
    "Je suis là 💙 Le 3114 et le 119 répondent 24h/24. Et pour ton stage, écris-moi ta question."
)
STILL_THERE_FORM = (
    "Je suis là 💙 Quand tu veux, on reprend ta demande là où on en était : appuie sur ▶️ ou "
    "écris « on reprend »."
)
COLD_OPENINGS = ("Je n'ai pas compris", "Écris-moi ta question", "Ma réponse sur « ")
SAID_ALL = "dit tout ce que je sais"


def comfort(engine: DialogueEngine, reply: Reply, state: State, weak: bool) -> Reply:
    """A pupil's cold reply ("not understood", "nothing more") after a weak signal or just
    after the safety message: a kind word instead (a weak signal's footer comes under it).
    A weak signal the bot did not understand at all (« j'ai le moral à zéro ») gets the distress
    topic, unless it was just given."""
    if state.role == "teacher":
        return reply
    recent = time.time() - state.crisis_at < AFTER_CRISIS_SECONDS
    if reply.kind == "did_you_mean" and recent:  # « Tu voulais dire » to what was just told
        return _after_crisis(reply, state)
    if not reply.text.startswith(COLD_OPENINGS):
        return reply
    if reply.text.startswith("Ma réponse sur « ") and SAID_ALL not in reply.text:
        return reply  # the rest of the last answer: a real answer
    topic = engine.kb.topics.get(CRISIS_TOPIC)
    not_understood = reply.text.startswith(COLD_OPENINGS[0])
    if weak and not_understood and topic is not None and state.last_topic != CRISIS_TOPIC:
        return engine.answer(state, topic)
    if weak:
        reply.text = COMFORT
    elif recent:
        return _after_crisis(reply, state)
    return reply


def _after_crisis(reply: Reply, state: State) -> Reply:
    """AFTER_CRISIS once, then a short line (never the same paragraph twice in a row); a
    request paused by the safety message keeps its ▶️ button."""
    again = state.cared_at >= state.crisis_at
    state.cared_at = time.time()
    paused = resume_choices(state)
    if again:
        reply.text = STILL_THERE_FORM if paused else AFTER_HELP_SHORT
    else:
        reply.text = AFTER_CRISIS
    reply.choices = [*paused, *(c for c in reply.choices if c not in paused)]
    return reply


# the distress topic, for a message in which the rules found nothing, needs this word score
# (its candidate's, before the classifier): « c'est quoi le harcèlement » 94, « je me sens bien
# dans cette entreprise » 39
CALM_BELOW = 60.0


def unfounded(result: MatchResult, flagged: bool) -> bool:
    """The matcher chose the distress topic on the classifier's word alone."""
    if result.topic != CRISIS_TOPIC or flagged:
        return False
    words_score = next((c.score for c in result.candidates if c.topic_id == CRISIS_TOPIC), 0.0)
    return words_score < CALM_BELOW
