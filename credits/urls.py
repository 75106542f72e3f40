from django.urls import path, re_path

from . import views

app_name = "credits"
CASE = r"^cases/(?P<reference>[A-Za-z]{3}-\d+)/"
urlpatterns = [
    re_path(CASE + r"facts/$", views.case_facts, name="case-facts"),
    re_path(CASE + r"quote/$", views.case_quote, name="case-quote"),
    path("quotes/<int:pk>/approve/", views.quote_approve, name="quote-approve"),
    path("quotes/<int:pk>/reject/", views.quote_reject, name="quote-reject"),
    path("quotes/<int:pk>/issue/", views.quote_issue, name="quote-issue"),
    path("entries/<int:pk>/offer/", views.credit_offer, name="credit-offer"),
    path("entries/<int:pk>/reverse/", views.credit_reverse, name="credit-reverse"),
    path("approvals/", views.approvals, name="approvals"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.csv", views.ledger_csv, name="ledger-csv"),
]
