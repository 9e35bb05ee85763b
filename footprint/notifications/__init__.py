"""In-app notifications: who is told about which audit event (one row per recipient)."""
