"""The audit log: every state change, append-only and hash-chained, so history can be checked."""
