"""The benchmark server's URLs: pinax_connect's own (``pinax_connect:webhook``)."""
from django.urls import include, path

urlpatterns = [path("stripe/", include("pinax_connect.urls"))]
