"""A host app for the distributed-queue tests: a handler and a receiver that log every call.

Every process (the test, each worker) appends one line per call to the file named by
``PINAX_QUEUE_LOG``, so calls are counted across processes, including calls whose
transaction was rolled back or whose process was killed. The handler:

* fails the first attempt of events whose object id ends in ``"7"`` (retries);
* sleeps ``PINAX_QUEUE_SLOW_SECONDS`` on the object ``in_slow`` after logging ``start``
  (the test kills the worker there).
"""
import os
import time



def log(kind, event):
    path = os.environ.get("PINAX_QUEUE_LOG")
    if path:
        with open(path, "a") as f:  # one small O_APPEND write: atomic across processes
            f.write(f"{kind} {event.stripe_id} {os.getpid()} {event.attempts}\n")


def handler(event, source, subtype):
    obj_id = (source.get("data") or {}).get("object", {}).get("id", "")
    if obj_id == "in_slow":
        log("start", event)
        time.sleep(float(os.environ.get("PINAX_QUEUE_SLOW_SECONDS", "0")))
    log("handler", event)
    if obj_id.endswith("7") and event.attempts == 1:
        raise RuntimeError("first attempt fails")


def receiver(sender, event, stripe_object, **kwargs):
    log("signal", event)
