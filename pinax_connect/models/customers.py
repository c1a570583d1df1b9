"""Customers (on the platform or on a connected account) and the user-account-customer link."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .base import StripeObject


class Customer(StripeObject):
    # Null for customers on the platform; set for customers living on a connected account.
    stripe_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="customers"
    )
    # The user of a platform customer (connected-account customers go through UserAccount).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stripe_customer",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UserAccount",
        related_name="customers",
        blank=True,
    )
    email = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    delinquent = models.BooleanField(default=False)
    default_payment_method = models.CharField(max_length=255, blank=True)
    date_purged = models.DateTimeField(null=True, blank=True)


class UserAccount(models.Model):
    """Ties a user, a connected account and the customer that user is on that account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_accounts"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="user_accounts")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="user_accounts",
        related_query_name="user_account",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="pinax_connect_one_customer_per_user_account"),
            models.UniqueConstraint(fields=["customer"], name="pinax_connect_customer_one_user_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.account_id}: {self.customer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A UserAccount pointing at another account's customer would route charges
        # to the wrong seller, so it is refused on every save, not only in forms.
        self.clean()
        super().save(*args, **kwargs)

    @classmethod
    def filter(cls, *args: Any, **kwargs: Any) -> models.QuerySet["UserAccount"]:
        """``UserAccount.filter(...)``, as written in pinax-stripe's docs: ``objects.filter``."""
        return cls.objects.filter(*args, **kwargs)

    def clean(self) -> None:
        if self.customer_id and self.account_id and self.customer.stripe_account_id != self.account_id:
            raise ValidationError(
                {"customer": _("This customer does not live on that connected account.")}
            )
