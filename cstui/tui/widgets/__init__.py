"""Reusable widgets; every one renders book text literally."""
