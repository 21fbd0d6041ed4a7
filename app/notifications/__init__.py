"""Notifications: telling a creator what happened to a link (events, webhooks, Slack, e-mail).

This layer sits between the store and the server: the server validates the
targets a creator names with it, and its worker delivers what the store's
scripts record. It holds no secret material, only event metadata.
"""
