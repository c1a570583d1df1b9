"""Test-only URLs for the forms' view tests (``@pytest.mark.urls("tests.forms.urls")``)."""
from django.urls import path

from pinax_connect.forms.wizard import CustomAccountWizard

from . import views


class CountryWizard(CustomAccountWizard):
    """The wizard for the country in the URL (a host would read it from the seller's profile)."""

    def get_country(self):
        return self.kwargs["country"].upper()


urlpatterns = [
    path("create/", views.CreateCustomAccountView.as_view(), name="create"),
    path("create-de/", views.CreateGermanCustomAccountView.as_view(), name="create-de"),
    path("create-company/", views.CreateCompanyAccountView.as_view(), name="create-company"),
    path("wizard/<str:country>/", CountryWizard.as_view(), name="wizard-country"),
    path("update/<int:pk>/", views.UpdateCustomAccountView.as_view(), name="update"),
    path("update-owned/<int:pk>/", views.OwnedUpdateCustomAccountView.as_view(), name="update-owned"),
    path("wizard/", CustomAccountWizard.as_view(), name="wizard"),
]

from django.urls import include  # noqa: E402

urlpatterns.append(path("stripe/", include("pinax_connect.urls")))
