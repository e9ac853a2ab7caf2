"""The read-only JSON API under /api/v1: its routes (views.py), the shapes it answers with
(serialisers.py) and the OpenAPI document that describes them (openapi.py)."""
