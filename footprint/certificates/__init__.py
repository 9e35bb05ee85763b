"""Certificates issued on approval: public IDs, signing keys, the signed payload, issuing."""
