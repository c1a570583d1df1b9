"""A schema generator limited to this package's endpoints (a host's other APIs stay out)."""
from drf_spectacular.generators import SchemaGenerator


class StripeSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, keeping only pinax_connect.rest viewsets, with full paths."""

    def _get_paths_and_endpoints(self):
        return [
            (path, path_regex, method, view)
            for path, path_regex, method, view in super()._get_paths_and_endpoints()
            if type(view).__module__.startswith("pinax_connect.rest.")
        ]
