"""Inbound mail: copies that confirm sends, bounces and forwarded answers, read by one parser."""
