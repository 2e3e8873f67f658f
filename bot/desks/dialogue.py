"""Channel-independent dialogue engine: (state, message or choice) -> Reply."""

from __future__ import annotations

import time

from bot.cases.academies import AcademyDirectory
from bot.desks import (
    acks,
    also_asked,
    crisis,
    feedback,
    helplines,
    ipe_contact,
    languages,
    levels,
    links,
    parents,
    register,
    repeat,
    request,
    resume,
    teacher,
)
from bot.desks.answers import empty, fallback, short_source, split_answer
from bot.desks.class_words import parse_level
from bot.desks.context import ASIDES, CONTEXT_SECONDS, read_in_context
from bot.desks.phrases import (
    LEVELS,
    MEDIA_WORDS,
    NO_FEEDBACK_TOPICS,
    ROLE_LABELS,
    SMALL_TALK_TOPICS,
    TEACHER_CUES,
    VOUS,
)
from bot.desks.teacher_forms import TYPED_STEPS
from bot.messages import Choice, Reply, State, answer_voice, by_role, voice
from bot.understanding.knowledge import KnowledgeBase, Topic
from bot.understanding.matching import Matcher, MatchResult
from bot.understanding.normalise import analyse, words
from bot.understanding.safety import SafetySignal
from bot.understanding.topics import CRISIS_TOPIC

MAX_CHOICES = 14
STAFF_HELP = (
    "\n\nEn tant qu'ingénieur pour l'école : /dossiers (demandes ouvertes), /dossier "
    "RÉFÉRENCE (une demande), /stats (chiffres de votre académie). Sous une demande : prendre en "
    "charge, répondre, 📅 fixer la date d'une intervention, marquer résolue ou close. "
    "/offre : enregistrer une offre de stage."
)
TEACHER_HELP = (
    "\n\nUn·e professionnel·le dans votre classe, une visite d'entreprise, un projet : "
    "/intervention. Où en est votre demande : /demande."
)
ESCALATE_LABEL = "🙋 Demander l'aide d'un ingénieur pour l'école"
ASK_BUTTON = Choice(ESCALATE_LABEL, "esc")


class DialogueEngine:
    """Turns a user's message or button press into a Reply, updating their State."""

    levels = LEVELS

    def __init__(
        self,
        kb: KnowledgeBase,
        matcher: Matcher | None = None,
        academies: AcademyDirectory | None = None,
        link_secret: bytes | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = matcher or Matcher(kb)
        self.academies = academies  # None: no escalation offered
        self.link_secret = link_secret  # checks /start links (desks.links); None: none valid

    @property
    def escalation(self) -> bool:
        return self.academies is not None and bool(self.academies.academies)

    # -- entry points -------------------------------------------------------------------
    def start(self, state: State, again: bool = False) -> Reply:
        if state.staff:  # a registered IPE is greeted as one
            text = (
                "Bonjour ! Vous êtes inscrit·e comme ingénieur pour l'école : les demandes des "
                "élèves de votre académie arrivent ici. /dossiers liste les demandes ouvertes, "
                "/stats donne les chiffres de votre académie, /aide tout ce que vous pouvez faire."
            )
            return self._offer(state, Reply(text, self.theme_choices(state), kind="menu"))
        text = (register.GREETED_AGAIN if again else register.GREETING) + request.pause(state)
        choices = [*request.resume_choices(state), *self.role_choices()]
        return self._offer(state, Reply(text, choices, kind="role", topic="salutation"))

    def role_choices(self) -> list[Choice]:
        return register.role_choices()

    def handle_text(self, state: State, text: str) -> Reply:
        """A free-text message."""
        stripped = (text or "").strip()
        if time.time() - state.last_at > CONTEXT_SECONDS:  # back after a while: a new question
            state.last_topic = state.told_rest = state.topic_level = None
        in_form = state.form is not None and not state.form.get("paused")
        # in the form, a number answers only where it can (a département; "3" at the class step)
        step = state.form["step"] if in_form else None
        typed_answer = step in ("academy", "level", *TYPED_STEPS) and (
            step != "level" or request.is_teacher_form(state) or parse_level(stripped) is not None
        )  # at « Tu es bien dans l'académie… ? » a digit is Oui / Non, not a département
        typed_answer = typed_answer and not (len(stripped) == 1 and request.confirming(state))
        digits = stripped.isascii() and stripped.isdigit() and len(stripped) <= 3
        if digits and not typed_answer:
            index = int(stripped) - 1
            if 0 <= index < len(state.choices):
                return self.handle_choice(state, state.choices[index].id)
            if len(stripped) == 1 and not state.choices:  # "6" alone is not the DP6 module
                return self._offer(state, empty(self, state))
            if len(stripped) == 1:  # "7" under six options: not a question
                pick = f"un numéro entre 1 et {len(state.choices)}"
                text = by_role(voice(state), f"Choisis {pick}.", f"Choisissez {pick}.")
                return Reply(text, list(state.choices), kind="menu")
        signal = self.kb.safety.assess(stripped, state.role) if self.kb.safety else None
        if signal is not None and signal.level == "strong":
            return self._offer(state, self.crisis(state, signal, stripped))
        if state.comment_for and (noted := feedback.comment(self, state, stripped)) is not None:
            return self._offer(state, noted)  # after 👎: what was missing
        said = " ".join(words(stripped))
        if (state.role is None and TEACHER_CUES.search(said)) or register.says_teacher(state, said):
            state.role = "teacher"
        vous = parents.speaks_as_parent(state, said)  # a parent's child may take the phone
        role = state.role  # a parent, or "vous" from an unknown role: answered in vous, once
        unknown = role is None and not (in_form and not request.is_teacher_form(state))
        if vous or (unknown and VOUS.search(said) and not levels.says_class(said)):  # tu form: tu
            vous, state.role = True, "teacher"
        levels.remember_from(state, said)
        sad = (
            signal is not None and self.kb.safety is not None and self.kb.safety.by_rules(stripped)
        )
        stated = None if in_form or state.staff else register.stated_role(said)
        if stated is not None:  # "élève", typed instead of the button: the button
            return self.handle_choice(state, f"r:{stated}")
        greeted = any(c.id.startswith("r:") for c in state.choices)  # « salut » after /start
        reply = self._text_reply(state, stripped, said, sad)
        if vous:
            state.role = role
        if not in_form:
            languages.with_note(state, stripped, reply)
        if state.role is None and not vous and reply.topic == "salutation" and signal is None:
            state.turns += 1  # "bonjour" before the role: the greeting that tutoies nobody
            return self.start(state, again=greeted)
        reply = crisis.comfort(self, reply, state, weak=sad)
        if signal is not None and self.kb.safety is not None:  # the distress topic has the lines
            who = "parent" if answer_voice(state) == "parent" else state.role
            footer = self.kb.safety.footer("teacher" if vous and who != "parent" else who)
            crisis.mark(reply, state, signal.level, footer, signal.category)
        return register.ask_role_once(state, reply)

    def crisis(self, state: State, signal: SafetySignal, text: str | None = None) -> Reply:
        """The safety message first (see desks/crisis.py)."""
        return crisis.crisis_reply(self, state, signal, text)

    def _text_reply(self, state: State, stripped: str, said: str, flagged: bool = False) -> Reply:
        if state.form is not None and not state.form.get("paused"):
            return self._offer(state, request.on_text(self, state, stripped))
        if (resumed := resume.resumed(self, state, stripped, said)) is not None:
            return self._offer(state, resumed)  # « ok on continue », « Lyon » at its step
        offered = teacher.offer(self, state, stripped, said)  # a speaker, a visit: the form
        if offered is not None:
            return self._offer(state, offered)
        introduced = teacher.introduction(self, state, stripped, said)  # "je suis prof de…"
        introduced = introduced or parents.introduction(self, state, stripped, said)
        introduced = introduced or parents.help_request(self, state, said)  # for their child
        introduced = introduced or levels.restated(self, state, said)  # "jsuis en 3e", after
        if introduced is not None:
            return self._offer(state, introduced)
        if self.escalation and state.role != "teacher" and request.asks_for_help(self, state, said):
            return self._offer(state, request.start(self, state, stripped))
        offered_choice = acks.chosen(state, said)  # "oui" under « 🙋 Demander l'aide », "menu"
        if offered_choice is not None:
            return self.handle_choice(state, offered_choice)
        if (more := repeat.more_asked(self, state, said)) is not None:  # « dis m'en plus »
            return self._offer(state, more)
        acknowledged = acks.acknowledgement(state, stripped, said)  # "ok", "d'accord", "👍"
        acknowledged = acknowledged or languages.languages(state, said)  # "tu parles anglais ?"
        if acknowledged is not None:
            return self._offer(state, acknowledged)
        tokens, other_sense = analyse(stripped, self.kb.lexicon, keep_small_talk=True)
        if not tokens and not other_sense:
            return self._offer(state, empty(self, state, stripped))
        # a figure of speech the safety net set aside ("me tuer de rire"): not the distress topic
        calm = self.kb.safety is not None and self.kb.safety.figurative(stripped)
        result = self.matcher.match(stripped, calm=calm)
        if crisis.unfounded(result, flagged):  # "je me sens bien ici": not the distress topic
            result = self.matcher.match(stripped, calm=True)
        last = self.kb.topics.get(state.last_topic or "")
        result = read_in_context(
            self.matcher, last, stripped, said, tokens, result, state.told_rest
        )
        result = levels.own_stage(state, said, result)  # a 2de pro's « stage de seconde »
        after = helplines.answer(state, said) or crisis.follow_up(self, state, said, result)
        after = after or ipe_contact.answer(state, said, bool(self.escalation), ASK_BUTTON)
        return self._offer(state, after or self._reply_for(state, stripped, result))

    def handle_choice(self, state: State, choice_id: str) -> Reply:
        """A button press or a numbered choice; unknown ids get a polite refusal."""
        kind, _, arg = (choice_id or "").partition(":")
        state.comment_for = None  # a button after 👎: no comment follows
        if kind == "f" and state.form is not None and self.escalation:
            return self._offer(state, request.on_choice(self, state, arg))
        if kind == "esc" and self.escalation:
            return self._offer(state, request.start(self, state))
        if kind == "tq" and self.escalation:  # a teacher's request (menu, offer)
            return self._offer(state, teacher.on_choice(self, state, arg))
        if kind == "fb" and (rated := feedback.on_choice(self, state, arg)) is not None:
            return rated
        if state.form is not None:
            state.form["paused"] = True
        if kind == "r" and arg == "parent":
            return self._offer(state, parents.chosen(self, state))
        if kind == "r" and arg in ROLE_LABELS:
            state.role, state.parent = arg, False
            text = by_role(
                arg,
                "C'est noté, je te tutoie 🙂 Pose ta question ou choisis un thème :",
                "C'est noté. Posez votre question ou choisissez un thème :",
            )
            choices = [*register.after_role_choice(state), *self.theme_choices(state)]
            return self._offer(state, Reply(text, choices, kind="menu"))
        if kind == "more" and arg in self.kb.topics:
            topic = self.kb.topics[arg]
            answer, source = levels.told(state, topic)
            rest = repeat.rest_of(state, arg, split_answer(answer)[1])
            text = f"{rest}\n\nSource : {source}" if rest else f"Source : {source}"
            state.told_rest = arg if arg == state.last_topic else state.told_rest
            related = register.topic_choices(self.kb, topic.related, register.reader(state))[:4]
            if topic.action == "escalate" and self.escalation:  # "le bouton ci-dessous"
                related.insert(0, Choice(ESCALATE_LABEL, "esc"))
            return self._offer(state, Reply(text, related, kind="more", topic=topic.id))
        if kind == "t" and arg in self.kb.topics:
            return self._offer(state, self.answer(state, self.kb.topics[arg]))
        if kind == "m" and not arg:
            return self._offer(state, self.menu(state))
        if kind == "th":
            theme_id, _, page = arg.partition(":")
            theme = next((t for t in self.kb.themes if t.id == theme_id), None)
            if theme is not None:
                number = int(page) if page.isascii() and page.isdigit() and len(page) < 3 else 0
                return self._offer(state, self.theme_menu(state, theme.id, number))
        if kind == "lv" and (chosen := levels.on_choice(self, state, arg)) is not None:
            return self._offer(state, chosen)
        stale = "Ce bouton n'est plus valable. Voici le menu :"  # the same for tu and vous
        return self._offer(state, Reply(stale, self.theme_choices(state), kind="menu"))

    def command(self, state: State, name: str, args: str = "") -> Reply:
        """A slash command, the same in every channel."""
        name = name.split("@", 1)[0].lower()
        if name == "start":  # with a poster's payload: desks.links
            return self._offer(
                state, links.welcome(self, state, args) if args else self.start(state)
            )
        if name == "menu":  # a form in progress waits, and says so
            return self._offer(state, request.paused_menu(state, self.menu(state)))
        if name in ("aide", "help"):
            return self.help(state)
        if name == "profil":
            return self._offer(state, self.profile(state))
        if name == "annuler":
            state.choices, state.relay_case = [], None
            if state.form is not None:
                state.form = None
                return Reply(
                    by_role(
                        voice(state),
                        "Ta demande est annulée : rien n'a été envoyé.",
                        "La demande est annulée : rien n'a été envoyé.",
                    ),
                    kind="info",
                )
            return Reply("Il n'y avait rien en cours à annuler.", kind="info")
        if name == "stage" and self.escalation:
            return self._offer(state, request.start(self, state))
        if name == "intervention" and self.escalation:
            return self._offer(state, teacher.start(self, state))
        if args.strip() and not state.staff:  # « /rouvrir LYO-… » from an IPE: unknown
            return self.handle_text(state, args)
        return self._offer(
            state,
            Reply(
                by_role(
                    voice(state),
                    f"Je ne connais pas la commande /{name}. Essaie /menu ou /aide.",
                    f"Je ne connais pas la commande /{name}. Essayez /menu ou /aide.",
                ),
                kind="info",
            ),
        )

    def profile(self, state: State) -> Reply:
        role = "Parent" if state.parent else ROLE_LABELS.get(state.role or "", "non précisé")
        level = levels.level_name(state.level)
        text = (
            f"Ton profil : {role}, niveau {level}.\nChange-le avec les boutons :"
            if state.role != "teacher"
            else f"Votre profil : {role}.\nChangez-le avec les boutons :"
        )
        choices = self.role_choices()
        if state.role != "teacher":
            choices += [Choice(label, f"lv:{key}") for key, label in LEVELS.items()]
        return Reply(text, choices, kind="role")

    def handle_media(self, state: State, media: str) -> Reply:
        """A sticker, photo, voice note, document, location...: answered in words."""
        what = MEDIA_WORDS.get(media, "ce message")
        text = by_role(
            voice(state),
            f"Merci pour {what} ! Je ne comprends que le texte écrit : pose-moi ta question en "
            "quelques mots, ou choisis un thème :",
            f"Merci pour {what}. Je ne comprends que le texte écrit : posez votre question en "
            "quelques mots, ou choisissez un thème :",
        )
        return self._offer(state, Reply(text, self.theme_choices(state), kind="fallback"))

    def menu(self, state: State) -> Reply:
        text = by_role(voice(state), "Choisis un thème :", "Choisissez un thème :")
        if state.staff:  # after « 🔚 Terminer l'échange »: their cases first
            text = "C'est noté. /dossiers liste vos demandes ouvertes ; ou choisissez un thème :"
        return Reply(text, self.theme_choices(state), kind="menu")

    def help(self, state: State) -> Reply:
        topic = self.kb.topics.get("aide")
        if topic is None:
            return self._offer(state, self.menu(state))
        reply = self.answer(state, topic)
        if state.staff:  # their commands first, then what pupils are told
            reply.text = f"{STAFF_HELP.strip()}\n\nCe que l'assistant dit aux élèves : {reply.text}"
        elif state.role == "teacher":
            reply.text = reply.text.replace(teacher.INTERVENTION_NOTE, "") + TEACHER_HELP
        return self._offer(state, reply)

    # -- building replies ---------------------------------------------------------------
    def theme_choices(self, state: State) -> list[Choice]:
        choices = [Choice(t.title, f"th:{t.id}") for t in self.kb.themes_for(state.role)]
        if state.role == "teacher" and not (state.staff or state.parent) and self.escalation:
            choices.append(Choice(teacher.MENU_LABEL, "tq"))
        return choices

    def theme_menu(self, state: State, theme_id: str, page: int = 0) -> Reply:
        """A theme's topics, a page at a time (desks.register.theme_menu)."""
        return register.theme_menu(self.kb, state, theme_id, page)

    def answer(self, state: State, topic: Topic, score: float = 100.0) -> Reply:
        """The topic's first message (for the pupil's class, asked once when it matters)."""
        if levels.needs_level(state, topic):
            return levels.ask(state, topic, score)
        if topic.id not in ASIDES:  # "t'es un robot ?" leaves the context as it was
            state.last_topic, state.told_rest, state.last_at = topic.id, None, time.time()
            state.shown_point = None
        elif topic.id == CRISIS_TOPIC:  # its helplines are shown: what follows leans on them
            state.crisis_at = time.time()
        levels.note_topic(state, topic)
        answer, source = levels.told(state, topic)
        head, rest = split_answer(answer)
        choices = register.topic_choices(self.kb, topic.related, register.reader(state))[:3]
        if topic.id in NO_FEEDBACK_TOPICS:  # small talk and the crisis answer: no source line
            text = head if not rest else f"{head}\n\n{rest}"
        else:
            text = f"{head}\n\nSource : {short_source(source)}"
            choices.insert(0, Choice("📖 En savoir plus", f"more:{topic.id}"))
        text = teacher.with_intervention(self, state, text)
        if topic.action == "escalate" and self.escalation:
            choices.insert(0, Choice(ESCALATE_LABEL, "esc"))
        return Reply(
            text,
            choices,
            kind="answer",
            topic=topic.id,
            score=score,
            source=source,
        )

    def _reply_for(self, state: State, text: str, result: MatchResult) -> Reply:
        reply = self._reply_for_match(state, text, result)
        reply.near = [c.topic_id for c in result.candidates[:3]]
        state.last_question = text[:500]
        if reply.kind == "answer" and reply.topic not in NO_FEEDBACK_TOPICS:
            reply.choices = [
                *reply.choices[: MAX_CHOICES - 2],
                Choice("👍 Utile", f"fb:+:{reply.topic}"),
                Choice("👎 Pas utile", f"fb:-:{reply.topic}"),
            ]
        return reply

    def _reply_for_match(self, state: State, text: str, result: MatchResult) -> Reply:
        same = result.topic is not None and result.topic == state.last_topic
        if same and not levels.passed_over(state, state.last_topic or ""):  # never twice (the class
            return repeat.follow_on(self, state, result)  # question on screen is no answer)
        if result.topic is not None:
            reply = self.answer(state, self.kb.topics[result.topic], result.score)
            reply = repeat.with_point(self, state, reply, result)  # the line the words point to
            also_asked.runner_up(self, state, reply, result)
            reply.suggestions = list(result.suggestions)
            also_asked.second_question(self, state, text, reply)
            return reply
        ids = [t for t in result.suggestions if t not in SMALL_TALK_TOPICS]  # no « Bonjour ! »
        if ids:
            choices = register.topic_choices(self.kb, ids, register.reader(state))
            choices.append(Choice("Autre chose", "m"))
            return Reply(
                by_role(voice(state), "Tu voulais dire :", "Vouliez-vous dire :"),
                choices,
                kind="did_you_mean",
                score=result.score,
                suggestions=list(result.suggestions),
            )
        return fallback(self, state, text, result)

    def _offer(self, state: State, reply: Reply) -> Reply:
        request.keep_resume(state, reply)
        reply.choices = reply.choices[:MAX_CHOICES]
        state.choices = list(reply.choices)
        return reply
