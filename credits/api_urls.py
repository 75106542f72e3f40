from django.urls import re_path
from rest_framework.routers import DefaultRouter

from .api import CaseCreditFactsView, CaseCreditQuoteView, CreditQuoteViewSet, CreditViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("credit-quotes", CreditQuoteViewSet, basename="credit-quote")
router.register("credits", CreditViewSet, basename="credit")

CASE = r"^cases/(?P<reference>[A-Za-z]{3}-\d+)/"
urlpatterns = [
    re_path(CASE + r"credit-facts/$", CaseCreditFactsView.as_view(), name="case-credit-facts"),
    re_path(CASE + r"credit-quotes/$", CaseCreditQuoteView.as_view(), name="case-credit-quotes"),
    *router.urls,
]
