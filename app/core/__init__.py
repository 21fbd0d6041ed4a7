"""The core: the protocol, payload kinds, links, wire shapes, settings and domain errors.

Pure Python on ``cryptography``: no Flask, no Redis. Every other layer builds on it.
"""
