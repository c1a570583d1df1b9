"""The benchmark's HTTP server: Django's own threaded WSGI server, without autoreload.

``python -m benchmarks.server`` serves ``benchmarks.settings`` on 127.0.0.1 at a
free port and prints ``LISTENING <port>`` once it accepts connections; it is what
``manage.py runserver --noreload`` runs, minus the system checks and the access
log. Every pinax_connect client in it talks to a :class:`CountingFake`, so a
webhook that called Stripe would show in ``X-Bench-Api-Calls`` (and never leave
the machine).
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

    import django

    django.setup()
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    from pinax_connect.client import use_http_client

    from .instrument import CountingFake

    class Handler(WSGIRequestHandler):
        # Without TCP_NODELAY the response headers and body go out as two small
        # segments and the client's delayed ACK adds ~40 ms to every request
        # (production servers such as gunicorn set it too).
        disable_nagle_algorithm = True

    use_http_client(CountingFake())
    httpd = ThreadedWSGIServer(("127.0.0.1", args.port), Handler)
    httpd.set_app(get_wsgi_application())
    print("LISTENING %d" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
