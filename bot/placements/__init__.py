"""Placements: the offers an IPE negotiated, searched by pupils in the chat (issue #15).

At the level of `bot.cases`: it uses the store, the understanding helpers and
`bot.cases.communes`; the desks use it. `repository` keeps the offers and their links to cases,
`query` reads a pupil's sentence, `search` finds offers, `importer` reads a CSV file, `demand`
counts the searches nothing answered (no pupil identity, no raw text).
"""
