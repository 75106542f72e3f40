from django.urls import path

from . import views

app_name = "credits"
urlpatterns = [
    path("cases/<str:reference>/facts/", views.case_facts, name="case-facts"),
    path("cases/<str:reference>/quote/", views.case_quote, name="case-quote"),
    path("quotes/<int:pk>/approve/", views.quote_approve, name="quote-approve"),
    path("quotes/<int:pk>/reject/", views.quote_reject, name="quote-reject"),
    path("quotes/<int:pk>/issue/", views.quote_issue, name="quote-issue"),
    path("entries/<int:pk>/offer/", views.credit_offer, name="credit-offer"),
    path("entries/<int:pk>/reverse/", views.credit_reverse, name="credit-reverse"),
    path("approvals/", views.approvals, name="approvals"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.csv", views.ledger_csv, name="ledger-csv"),
]
