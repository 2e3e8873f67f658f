"""What a try-out as pupils and teachers found (issue #11 follow-up): the conversation must feel
right — statuses when a pupil is waiting, the register of an adult, no repeated answer."""

from __future__ import annotations

from support.cases import PUPIL, PUPIL2, fill_form, invite, make_service, say


async def test_a_pupil_waiting_for_an_answer_gets_the_requests_status(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    confirmation = await fill_form(service, PUPIL)
    reference = next(w for w in confirmation.text.split() if w.startswith("AIX-")).rstrip(".")
    for asked in (
        "c'est quand qu'on me répond ?",
        "toujours pas de nouvelles ?",
        "l'ipe a repondu ?",
    ):
        reply = await say(service, PUPIL, asked)
        assert reply.kind == "status", asked
        assert reference in reply.text and "va la prendre en charge" in reply.text, asked
        assert "esc" not in [c.id for c in reply.choices], asked
    # a question about the companies' silence is still a question, request or not
    reply = await say(service, PUPIL, "toujours pas de réponse des entreprises, je fais quoi ?")
    assert reply.kind != "status"
    # without a request, the same words are not answered with a status
    reply = await say(service, PUPIL2, "c'est quand qu'on me répond ?")
    assert reply.kind != "status" and "Tu n'as pas de demande" not in reply.text
    await service.db.dispose()
