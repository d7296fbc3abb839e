"""Standard Webhooks reference library (PyPI `standardwebhooks`) as a test peer for GitLab signing tokens.

  sign SECRET_ENV BODY_FILE MSG_ID      print the webhook-* headers the reference library makes, one per line
  verify-server SECRET_ENV PORT_FILE    serve on a free loopback port (written to PORT_FILE); answer 202 to a
                                        POST the reference verifier accepts, 401 otherwise; stop after one request
The secret is read from the named environment variable, never from the command line.
"""
import datetime
import http.server
import os
import sys

from standardwebhooks import Webhook, WebhookVerificationError


def sign(secret_env, body_file, msg_id):
    body = open(body_file, "rb").read().decode()
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    signature = Webhook(os.environ[secret_env]).sign(msg_id, now, body)
    print(f"webhook-id: {msg_id}")
    print(f"webhook-timestamp: {int(now.timestamp())}")
    print(f"webhook-signature: {signature}")


def verify_server(secret_env, port_file):
    webhook = Webhook(os.environ[secret_env])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                webhook.verify(body, headers)
                status = 202
            except WebhookVerificationError:
                status = 401
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"verified":%s}' % (b"true" if status == 202 else b"false"))

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.timeout = 60
    server.handle_request()


if __name__ == "__main__":
    if sys.argv[1] == "sign":
        sign(*sys.argv[2:5])
    elif sys.argv[1] == "verify-server":
        verify_server(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
