from django.contrib import admin

from .models import Item, Purchase


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "seller", "price", "currency", "created"]


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ["item", "buyer", "amount", "currency", "method", "status", "payment_intent_id", "created"]
    list_filter = ["status", "method"]
