"""A schema generator limited to this package's endpoints (a host's other APIs stay out)."""
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

#: drf-spectacular settings of the served schema (the host's SPECTACULAR_SETTINGS fill the rest).
SCHEMA_SETTINGS = {
    "TITLE": "pinax-connect REST API",
    "DESCRIPTION": "Stripe Connect marketplace endpoints over pinax_connect's actions and mirror.",
    "VERSION": "1",
    # Separate request and response components, so write-only inputs appear only in *Request.
    "COMPONENT_SPLIT_REQUEST": True,
    # controller.losses.payments and controller.requirement_collection share these values.
    "ENUM_NAME_OVERRIDES": {"ControllerPartyEnum": ["application", "stripe"]},
}


class StripeSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, keeping only pinax_connect.rest viewsets, with full paths."""

    def _get_paths_and_endpoints(self) -> list[tuple[str, str, str, APIView]]:
        return [
            (path, path_regex, method, view)
            for path, path_regex, method, view in super()._get_paths_and_endpoints()
            if type(view).__module__.startswith("pinax_connect.rest.")
        ]
