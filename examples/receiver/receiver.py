#!/usr/bin/env python3
"""A sample Emailgistics webhook receiver (Python 3 standard library only).

It does what the product's documentation asks of a receiver:
- HTTPS only, TLS 1.2 or newer;
- checks `Authorization: Bearer <secret>` on every request in constant time, accepting every
  secret listed in RECEIVER_TOKENS (comma-separated) so a rotation can overlap old and new;
- parses leniently: unknown fields and unknown events are tolerated;
- always answers HTTP 200 with {status, message, actions}.

For messages about a claim it returns three actions: tag "VIP", set the custom field
claimNumber from the first CLM-<6 digits> in the body, and assign to "Joe Cool".

Usage:
  RECEIVER_TOKENS='s3cret-Value!1,n3w-Value!2' \\
  python3 receiver.py --port 8443 --cert server.crt --key server.key
"""
import argparse
import hmac
import json
import os
import re
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLAIM_NUMBER = re.compile(r"CLM-\d{6}")
MAX_BODY = 1 << 20


def accepted_tokens():
    return [t.strip().encode() for t in os.environ.get("RECEIVER_TOKENS", "").split(",") if t.strip()]


def authorized(header):
    """Constant-time comparison against every accepted token (no early exit)."""
    presented = header[len("Bearer "):].encode() if header and header.startswith("Bearer ") else b""
    ok = False
    for token in accepted_tokens():
        ok |= hmac.compare_digest(presented, token)
    return ok


def decide(message):
    """The business logic: which actions to return for this message."""
    if str(message.get("id", "")).startswith("sample-"):
        # The operator's test delivery ("Test Webhook"): answer with an action so that the
        # action summary in the Webhook's status shows something.
        return {"status": "success", "message": "Test delivery received.",
                "actions": [{"type": "tag", "name": "Sample tag", "value": {"tags": ["VIP"]}}]}
    if message.get("event") != "received":
        return {"status": "success", "message": "ignored event %s" % message.get("event"), "actions": []}
    subject = message.get("subject") or ""
    if "claim" not in subject.lower():
        return {"status": "success", "message": "Not a claim; nothing to do.", "actions": []}
    actions = [{"type": "tag", "name": "Mark VIP", "value": {"tags": ["VIP"]}}]
    found = CLAIM_NUMBER.search(message.get("bodyText") or "")
    if found:
        actions.append({"type": "setCustomFields", "name": "Claim number",
                        "value": {"claimNumber": found.group(0)}})
    actions.append({"type": "assign", "name": "Claims team",
                    "value": {"mainAssignment": {"users": ["Joe Cool"]}}})
    return {"status": "success", "message": "Claim enriched.", "actions": actions}


class Handler(BaseHTTPRequestHandler):
    server_version = "sample-receiver"

    def do_POST(self):
        if not authorized(self.headers.get("Authorization")):
            return self.answer(401, {"status": "error", "message": "unauthorized"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.answer(413, {"status": "error", "message": "payload too large"})
        try:
            message = json.loads(self.rfile.read(length))
        except ValueError:
            return self.answer(200, {"status": "error", "message": "payload is not JSON"})
        self.answer(200, decide(message))

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # one line per request, never the Authorization header
        sys.stderr.write("receiver: %s %s\n" % (self.command, fmt % args))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--cert", required=True, help="PEM certificate (chain) of this server")
    parser.add_argument("--key", required=True, help="PEM private key")
    args = parser.parse_args()
    if not accepted_tokens():
        sys.exit("RECEIVER_TOKENS is empty: refusing to accept unauthenticated deliveries")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("receiver: listening on https://%s:%d" % (args.bind, server.server_address[1]), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
