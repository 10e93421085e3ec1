"""The version prefix of every Redis key; each store module names its own keys under it.

Bump PREFIX when a stored format changes: old data is then never read wrongly, just ignored
until it expires.
"""

PREFIX = "nb:v1"
