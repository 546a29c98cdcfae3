from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "beian.orders"
    label = "orders"
    verbose_name = "备案订单"

    def ready(self):
        from beian.workdays.signals import calendar_changed

        calendar_changed.connect(_recompute_due, dispatch_uid="orders_recompute_due")


def _recompute_due(sender, years=None, **kwargs):
    """A holiday-table change moves the due dates of open orders (design.md §9)."""
    from beian.orders.clock import orders_recompute_due

    orders_recompute_due(years=years)
