"""REST endpoints for Connect marketplaces (optional: ``pip install pinax-connect[rest]``).

Django REST framework viewsets over pinax_connect's actions and mirror: writes go
through :mod:`pinax_connect.actions` (the one path to Stripe), reads come from the
mirrored rows. Include ``pinax_connect.rest.urls``; see ``docs/rest.md``. Nothing
in the rest of the package imports this one.
"""
