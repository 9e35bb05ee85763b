"""A certificate as a W3C Verifiable Credential (data model 2.0) with a Data Integrity proof,
cryptosuite eddsa-jcs-2022 (W3C "Data Integrity EdDSA Cryptosuites v1.0", section 3.3).

The proof: proofConfig is the proof without proofValue, with the document's @context; the data
signed is SHA-256(JCS(proofConfig)) followed by SHA-256(JCS(document without proof)); proofValue
is the Ed25519 signature in multibase base58-btc ('z'). The credential is signed when asked for,
with the current key (older keys never sign again); the key is named by verificationMethod
`<issuer id>#<key_id>`, its public half published in /.well-known/footprint-keys.json.
"""
from __future__ import annotations

import hashlib
from datetime import date

from cryptography.exceptions import InvalidSignature

from . import keys
from .errors import BadSignature, MalformedDocument, VerificationError
from .jcs import canonicalize
from .signing import VerifyResult, public_key_of

CONTEXT = "https://www.w3.org/ns/credentials/v2"
TYPES = ["VerifiableCredential", "ProductFootprintCredential"]
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = _BASE58[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def from_base58btc(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)  # ValueError on a foreign character
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def document(payload: dict, *, credential_id: str, issuer_id: str) -> dict:
    """The credential without its proof: the certificate's payload is the subject. validUntil
    is the end of the last valid day (UTC)."""
    return {
        "@context": [CONTEXT],
        "id": credential_id,
        "type": list(TYPES),
        "issuer": issuer_id,
        "validFrom": f"{date.fromisoformat(payload['valid_from']).isoformat()}T00:00:00Z",
        "validUntil": f"{date.fromisoformat(payload['valid_until']).isoformat()}T23:59:59Z",
        "credentialSubject": payload,
    }


def proof_config(unsecured: dict, proof: dict) -> dict:
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


def hash_data(unsecured: dict, proof: dict) -> bytes:
    return (hashlib.sha256(canonicalize(proof_config(unsecured, proof)).encode("utf-8")).digest()
            + hashlib.sha256(canonicalize(unsecured).encode("utf-8")).digest())


def secure(unsecured: dict, key: keys.SigningKey, issuer_id: str) -> dict:
    proof = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE,
             "verificationMethod": f"{issuer_id}#{key.key_id}",
             "proofPurpose": "assertionMethod"}
    proof["proofValue"] = "z" + base58btc(key.sign(hash_data(unsecured, proof)))
    return {**unsecured, "proof": proof}


def verify(credential: dict, public_keys: list[dict]) -> VerifyResult:
    """Check the proof of a credential against the published keys."""
    proof = credential.get("proof") if isinstance(credential, dict) else None
    key_id = ""
    try:
        if (not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE
                or proof.get("cryptosuite") != CRYPTOSUITE
                or not isinstance(proof.get("proofValue"), str)
                or "#" not in str(proof.get("verificationMethod", ""))):
            raise MalformedDocument(f"not a {PROOF_TYPE} of cryptosuite {CRYPTOSUITE}")
        key_id = proof["verificationMethod"].rsplit("#", 1)[1]
        public_key = public_key_of(key_id, public_keys)
        unsecured = {name: value for name, value in credential.items() if name != "proof"}
        try:
            if not proof["proofValue"].startswith("z"):
                raise ValueError("not base58-btc")
            signature = from_base58btc(proof["proofValue"][1:])
            public_key.verify(signature, hash_data(unsecured, proof))
        except (ValueError, TypeError, InvalidSignature):
            raise BadSignature(f"the proof does not match the credential under key {key_id}",
                               key_id=key_id) from None
    except VerificationError as error:
        return VerifyResult(key_id, error)
    return VerifyResult(key_id)
