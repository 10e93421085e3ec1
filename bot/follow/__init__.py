"""Following a story: re-checking one article on a schedule and telling its followers, once each,
what changed. ``changes`` decides whether a new version is materially different, ``schedule``
when a story is checked next, ``service`` runs checks and deliveries, ``jobs`` puts them on saq."""
